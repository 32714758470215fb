import type { GraphDocument } from '../../src/graph/document';
import { isPlainFileName, type OpenResult, type ProtocolError } from '../../src/protocol';
import { getHost } from '../host';
import { useApp } from '../store';

/** Requests to the host that change the store, with their outcome reported in the status bar. */

const NO_HOST = 'Not connected to an Unroll host: open the address the web host printed when it started (it carries the access token).';

function reportError(action: string, error: ProtocolError): void {
  useApp.getState().notify(error.code === 'cancelled' ? 'info' : 'error', `${action}: ${error.message}`, error.code);
}

/** Loads a restored document, or reports why the text was refused (the open graph stays). */
function applyOpen(result: OpenResult, what: string): boolean {
  const s = useApp.getState();
  if (result.status === 'refused') {
    const shown = result.problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`);
    const more = result.problems.length > 3 ? ` (and ${result.problems.length - 3} more)` : '';
    s.notify('error', `Cannot open ${what}: ${shown.join('; ')}${more}`, 'document-refused');
    return false;
  }
  s.load(result.doc);
  const warned = result.warnings.length > 0 ? ` with ${result.warnings.length} warning(s): ${result.warnings.map((w) => w.message).join('; ')}` : '';
  s.notify(result.warnings.length > 0 ? 'warning' : 'info', `Opened ${what}${warned}`);
  return true;
}

export async function openText(text: string, fileName: string): Promise<boolean> {
  const host = getHost();
  if (host === null) {
    useApp.getState().notify('error', NO_HOST, 'no-host');
    return false;
  }
  const reply = await host.call('document.open', isPlainFileName(fileName) ? { text, fileName } : { text });
  if (!reply.ok) {
    reportError(`Cannot open ${fileName}`, reply.error);
    return false;
  }
  return applyOpen(reply.result, fileName);
}

export async function openExample(id: string, title: string): Promise<boolean> {
  const host = getHost();
  if (host === null) {
    useApp.getState().notify('error', NO_HOST, 'no-host');
    return false;
  }
  const reply = await host.call('examples.open', { id });
  if (!reply.ok) {
    reportError(`Cannot open example ${title}`, reply.error);
    return false;
  }
  return applyOpen(reply.result, `example “${title}”`);
}

/** Offers text as a file download (the web host's way of saving). */
function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function saveDocument(doc: GraphDocument): Promise<boolean> {
  const s = useApp.getState();
  const host = getHost();
  if (host === null) {
    s.notify('error', NO_HOST, 'no-host');
    return false;
  }
  const reply = await host.call('document.save', { doc });
  if (!reply.ok) {
    reportError('Cannot save', reply.error);
    return false;
  }
  if (reply.result.path !== undefined) s.notify('info', `Saved to ${reply.result.path}`);
  else {
    download(reply.result.fileName, reply.result.text);
    s.notify('info', `Saved as ${reply.result.fileName} (downloaded)`);
  }
  return true;
}
