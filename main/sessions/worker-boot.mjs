// Starts a session worker from TypeScript (the web host and tests run under tsx): registers tsx's
// ESM loader in this thread, then loads the worker. The Electron build bundles worker.ts instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
