/** Data for training: the batch format, built-in tasks, and user CSV/text import. */
export * from './batch';
export * from './csv';
export * from './errors';
export * from './registry';
export * from './task';
export * from './text';
export { aesopCorpus } from './tasks/charlm';
export { AESOP_TEXT, AESOP_TITLE } from './corpus/aesop';
