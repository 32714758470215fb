/**
 * Messages between the host and a session worker (`worker_threads`, structured clone). The host
 * sends one `start`, then controls; the worker answers `ready` or `failed`, streams `status`,
 * `telemetry` (typed arrays, their buffers transferred) and `diverged`, and ends with `ended`,
 * which carries the trained document (undefined when its weights are not finite) so the worker can exit.
 */
import type { GraphDocument } from '../../src/graph/document';
import type { BackendInfoPayload, ConfigOverridesParsed, ProtocolError } from '../../src/protocol';
import type { Divergence, SessionConfig, SessionStatus, TelemetryBatch } from '../../src/training';

export interface StartMessage {
  readonly type: 'start';
  /** A document already restored by the host. */
  readonly doc: GraphDocument;
  readonly config: ConfigOverridesParsed & { task?: string; taskParams?: Record<string, number | string | boolean> };
  readonly backend: string;
  /** Telemetry batching in the worker (ms between batches; records every N steps). */
  readonly intervalMs: number;
  readonly recordEvery: number;
}

export type ControlMessage =
  | { readonly type: 'pause' | 'resume' | 'stop' | 'resetState'; readonly id: number }
  | { readonly type: 'weights'; readonly id: number };

export type HostToWorker = StartMessage | ControlMessage;

export type WorkerToHost =
  | { readonly type: 'ready'; readonly backend: BackendInfoPayload; readonly config: SessionConfig; readonly step: number; readonly metrics: readonly string[] }
  | { readonly type: 'failed'; readonly error: ProtocolError }
  | { readonly type: 'status'; readonly status: SessionStatus; readonly step: number }
  | { readonly type: 'telemetry'; readonly batch: TelemetryBatch }
  | { readonly type: 'diverged'; readonly divergence: Divergence }
  | { readonly type: 'control'; readonly id: number; readonly changed: boolean }
  | { readonly type: 'weights'; readonly id: number; readonly doc: GraphDocument | undefined; readonly step: number }
  | { readonly type: 'ended'; readonly status: 'finished' | 'stopped' | 'diverged'; readonly step: number; readonly elapsedMs: number; readonly lastLoss: number; readonly doc: GraphDocument | undefined }
  | { readonly type: 'error'; readonly message: string };
