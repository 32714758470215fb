import { z } from 'zod';
import { GraphDocumentSchema } from '../graph/document';
import { LANGUAGES } from './commands';
import { INFERENCE_REQUESTS } from './inference';
import { STEP_THROUGH_REQUESTS } from './stepthrough';
import { SESSION_REQUESTS } from './training';

/**
 * The requests the renderer may send to the host, each declared once: its payload schema (checked
 * by the host, because the renderer is untrusted) and its result schema (what the host promises).
 * Both hosts (Electron IPC and the web host's `POST /api/<name>`) serve exactly this table.
 */

/** The largest document text the host accepts (characters). */
export const MAX_DOCUMENT_TEXT = 32 * 1024 * 1024;

const empty = z.strictObject({});

/** Characters a file name may not contain on some system (besides control characters). */
export const FILE_NAME_FORBIDDEN = '/\\:*?"<>|';

/** True for a plain file name: no folders, no control characters, none of `FILE_NAME_FORBIDDEN`. */
export function isPlainFileName(s: string): boolean {
  return s !== '.' && s !== '..' && [...s].every((c) => c >= ' ' && !FILE_NAME_FORBIDDEN.includes(c));
}

/** A file name without folders, e.g. `elman.unroll.json`. */
const fileName = z
  .string()
  .min(1)
  .max(200)
  .refine(isPlainFileName, 'must be a plain file name without folders, control characters or / \\ : * ? " < > |');

export const AppInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'web']),
});

export const ExampleSummarySchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  description: z.string(),
});

/** One thing wrong with a document text, located by its `$`-rooted JSON path (`$.nodes[2].params.units`). */
export const DocumentProblemSchema = z.strictObject({
  code: z.string(),
  path: z.string(),
  message: z.string(),
});

/**
 * What opening a text gives: the restored document (with warnings, e.g. applied migrations), or the
 * list of problems. A refused text is an answer, not a protocol error: the open graph stays.
 */
export const OpenResultSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('restored'), doc: GraphDocumentSchema, warnings: z.array(DocumentProblemSchema) }),
  z.strictObject({ status: z.literal('refused'), problems: z.array(DocumentProblemSchema) }),
]);

/** A file path on the host's machine (Electron only; the web host never takes paths). */
const filePath = z.string().min(1).max(4096);

/** What the host answers for a file the user opened through its dialog (or from the recent list). */
export const OpenFileResultSchema = z.strictObject({ path: filePath, fileName, opened: OpenResultSchema });

/** A saved or exported text: the web host returns it for the browser to download; Electron also wrote it to `path`. */
export const SavedSchema = z.strictObject({ text: z.string(), fileName, path: filePath.optional() });

export const RecentFileSchema = z.strictObject({
  path: filePath,
  /** The file name shown in menus. */
  name: z.string().max(260),
  /** ISO-8601 time it was last opened or saved. */
  at: z.string().max(64),
});

/**
 * The autosave of the open document, read back through `restore()`: none, a restored document, or
 * the problems of an autosave that no longer restores (reported, never thrown).
 */
export const AutosaveReadResultSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('none') }),
  z.strictObject({ status: z.literal('found'), savedAt: z.string(), doc: GraphDocumentSchema, warnings: z.array(DocumentProblemSchema) }),
  z.strictObject({ status: z.literal('refused'), savedAt: z.string(), problems: z.array(DocumentProblemSchema) }),
]);

export const REQUESTS = {
  /** Who is answering: product name, version and which host. */
  'app.info': { payload: empty, result: AppInfoSchema },
  /** The built-in example graphs. */
  'examples.list': { payload: empty, result: z.strictObject({ examples: z.array(ExampleSummarySchema) }) },
  /** Restores one built-in example by id. */
  'examples.open': { payload: z.strictObject({ id: z.string().min(1).max(64) }), result: OpenResultSchema },
  /** Restores a document from its text (read by the renderer from a file the user picked). */
  'document.open': {
    payload: z.strictObject({ text: z.string().max(MAX_DOCUMENT_TEXT), fileName: fileName.optional() }),
    result: OpenResultSchema,
  },
  /**
   * Serialises a document. The web host returns the text for the browser to download; the Electron
   * host asks the user where to save and writes the file atomically, returning its path too.
   */
  'document.save': {
    payload: z.strictObject({
      doc: GraphDocumentSchema,
      fileName: fileName.optional(),
      /** Electron: write to this file without asking, if the user picked it before (Save); otherwise a dialog asks. */
      path: filePath.optional(),
      /** Electron: always ask where to save (Save As). */
      saveAs: z.boolean().optional(),
    }),
    result: SavedSchema,
  },
  /**
   * Electron: shows the open dialog (no `path`) or opens a file of the recent list (`path`), restoring
   * it through `restore()`. The web host answers `unsupported`: the browser's file picker reads files.
   */
  'document.openFile': { payload: z.strictObject({ path: filePath.optional() }), result: OpenFileResultSchema },
  /** Serialises a copy of the document, with or without its weights, for another tool (not a Save: the open file stays). */
  'document.export': {
    payload: z.strictObject({ doc: GraphDocumentSchema, withWeights: z.boolean(), fileName: fileName.optional() }),
    result: SavedSchema,
  },
  /** Files opened or saved recently (Electron; the web host keeps none), newest first. */
  'recent.list': { payload: empty, result: z.strictObject({ files: z.array(RecentFileSchema) }) },
  /** Keeps a copy of the open document in the host's data folder, written atomically. */
  'autosave.write': { payload: z.strictObject({ doc: GraphDocumentSchema }), result: z.strictObject({ savedAt: z.string() }) },
  /** The autosave, if there is one (it exists only while there are changes not explicitly saved). */
  'autosave.read': { payload: empty, result: AutosaveReadResultSchema },
  /** Forgets the autosave (after an explicit save, a new document, or opening another). */
  'autosave.clear': { payload: empty, result: z.strictObject({ cleared: z.boolean() }) },
  /** The UI language, so the host's own texts (Electron's menus) follow it. */
  'app.setLanguage': { payload: z.strictObject({ language: z.enum(LANGUAGES) }), result: empty },
  /** Training sessions (`session.start`, `pause`, `resume`, `stop`, `weights`): see `./training`. */
  ...SESSION_REQUESTS,
  /** Running the graph on the person's own input (`infer`): see `./inference`. */
  ...INFERENCE_REQUESTS,
  /** Stepping through one batch and checking one node's gradients (`trace.*`): see `./stepthrough`. */
  ...STEP_THROUGH_REQUESTS,
} as const satisfies Record<string, { payload: z.ZodType; result: z.ZodType }>;

export type RequestName = keyof typeof REQUESTS;
/** What the renderer sends (before parsing: e.g. a document with plain string ids). */
export type Payload<N extends RequestName> = z.input<(typeof REQUESTS)[N]['payload']>;
/** What the host's handler receives (after parsing). */
export type ParsedPayload<N extends RequestName> = z.output<(typeof REQUESTS)[N]['payload']>;
export type Result<N extends RequestName> = z.output<(typeof REQUESTS)[N]['result']>;

export type AppInfo = Result<'app.info'>;
export type ExampleSummary = z.infer<typeof ExampleSummarySchema>;
export type OpenResult = z.infer<typeof OpenResultSchema>;
export type DocumentProblem = z.infer<typeof DocumentProblemSchema>;
export type OpenFileResult = z.infer<typeof OpenFileResultSchema>;
export type Saved = z.infer<typeof SavedSchema>;
export type RecentFile = z.infer<typeof RecentFileSchema>;
export type AutosaveReadResult = z.infer<typeof AutosaveReadResultSchema>;

export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(REQUESTS, name);
}
