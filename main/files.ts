import writeFileAtomic from 'write-file-atomic';
import { fail, ok, type Reply } from '../src/protocol';

/**
 * Writes a document file atomically (a temporary file renamed over the target), so a crash or a full
 * disk never leaves a half-written graph behind.
 */
export async function writeDocumentFile(path: string, text: string): Promise<Reply<{ path: string }>> {
  try {
    await writeFileAtomic(path, text, { encoding: 'utf8' });
    return ok({ path });
  } catch (err) {
    return fail('io', `could not write ${path}: ${(err as Error).message}`);
  }
}
