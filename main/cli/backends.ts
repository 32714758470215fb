/**
 * Kernel backends the CLI can run on, by name. `reference` (the float64 node kernels) is always
 * there and loads nothing else. Every other name (`auto`, `gpujs:webasm`, `gpujs:cpu`,
 * `gpujs:webgpu`, `gpujs:headlessgl`) goes to the kernels' own registry (`kernels/index.ts`,
 * `createBackend`), loaded on demand so that a build without gpu.js still trains on the reference.
 * `auto` falls back to the reference when that registry cannot be loaded; the choice and the reason
 * are always reported, never silent. A further backend is one more `LOCAL` entry or a name the
 * kernels' registry knows.
 */
import type { Backend } from '../../src/engine/backend';
import { referenceBackend } from '../../kernels/reference';

export interface ResolvedBackend {
  readonly backend: Backend;
  /** What runs and why (for the user), one line per candidate passed over under `auto`. */
  readonly note: string;
  /** Frees kernels and workers; call once the backend is no longer used. */
  destroy(): void;
}

export class BackendUnavailable extends Error {
  readonly code = 'backend-unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailable';
  }
}

/** What the CLI uses of `kernels/index.ts` (declared here: that module is loaded only on demand). */
interface KernelRegistry {
  readonly BACKEND_NAMES?: readonly string[];
  createBackend(name: string): {
    readonly backend: Backend;
    readonly info: { readonly summary: string; readonly passedOver: readonly { readonly name: string; readonly reason: string }[] };
    destroy(): void;
  };
}

/** Backends the CLI provides itself, without loading the kernels' registry. */
const LOCAL: Readonly<Record<string, { readonly description: string; readonly backend: Backend }>> = {
  reference: { description: 'plain TypeScript, float64: the node kinds’ own kernels (the executable spec)', backend: referenceBackend },
};

async function loadRegistry(): Promise<KernelRegistry> {
  let mod: Partial<KernelRegistry>;
  try {
    const path = '../../kernels/index';
    mod = (await import(/* @vite-ignore */ path)) as Partial<KernelRegistry>;
  } catch (e) {
    throw new BackendUnavailable(`the gpu.js backends are not available in this build (kernels/index could not be loaded: ${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof mod.createBackend !== 'function') throw new BackendUnavailable('kernels/index does not export createBackend(name); this build has only the reference backend');
  return mod as KernelRegistry;
}

/** Resolves a backend name; throws `BackendUnavailable` naming the backend and why it cannot run. */
export async function resolveBackend(name: string): Promise<ResolvedBackend> {
  const local = Object.hasOwn(LOCAL, name) ? LOCAL[name] : undefined;
  if (local !== undefined) return { backend: local.backend, note: `backend ${name}: ${local.description}`, destroy: () => {} };
  let registry: KernelRegistry;
  try {
    registry = await loadRegistry();
  } catch (e) {
    if (name === 'auto' && e instanceof BackendUnavailable) return { backend: referenceBackend, note: `backend auto → reference (${e.message})`, destroy: () => {} };
    throw e;
  }
  try {
    const created = registry.createBackend(name);
    const passed = created.info.passedOver.map((c) => `\n    passed over ${c.name}: ${c.reason.split('\n')[0]}`).join('');
    return { backend: created.backend, note: `backend ${created.backend.name}: ${created.info.summary}${passed}`, destroy: () => created.destroy() };
  } catch (e) {
    const known = registry.BACKEND_NAMES ? ` (the backends are ${registry.BACKEND_NAMES.join(', ')})` : '';
    throw new BackendUnavailable(`${(e as Error).message}${known}`);
  }
}
