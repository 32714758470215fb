/**
 * Kernel backends the CLI runs on, by name: the kernels' own registry (`kernels/index.ts`):
 * `reference` (float64, the executable spec), `f32` (float32 TypeScript loops), `gpujs:<mode>` and
 * `auto`. The choice, and under `auto` every candidate passed over with its reason, is reported in
 * `note`, never silent.
 */
import { BACKEND_NAMES, BackendUnavailableError, createBackend, type CreateOptions } from '../../kernels';
import type { Backend } from '../../src/engine/backend';

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

/** Resolves a backend name; throws `BackendUnavailable` naming the backend and why it cannot run. */
export async function resolveBackend(name: string, options: CreateOptions = {}): Promise<ResolvedBackend> {
  try {
    const created = createBackend(name, options);
    const passed = created.info.passedOver.map((c) => `\n    passed over ${c.name}: ${c.reason.split('\n')[0]}`).join('');
    return { backend: created.backend, note: `backend ${created.backend.name}: ${created.info.summary}${passed}`, destroy: () => created.destroy() };
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new BackendUnavailable(`${e.message} (the backends are ${BACKEND_NAMES.join(', ')})`);
    throw new BackendUnavailable(`backend "${name}" failed to start: ${(e as Error).message}`);
  }
}
