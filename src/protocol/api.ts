import type { Reply } from './reply';
import type { HostEvent } from './host-events';
import type { Payload, RequestName, Result } from './requests';

/**
 * The host as the renderer sees it. Electron's preload exposes it as `window.unroll`; in a browser the
 * web-host client in `renderer/host/` implements it over HTTP + WebSocket. The renderer codes against
 * this interface only.
 */
export interface UnrollApi {
  /** Sends one request; never rejects for protocol errors, which come back as `{ ok: false }`. */
  call<N extends RequestName>(name: N, payload: Payload<N>): Promise<Reply<Result<N>>>;
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: HostEvent) => void): () => void;
}

/** Electron IPC channel for requests (`ipcRenderer.invoke(REQUEST_CHANNEL, name, payload)`). */
export const REQUEST_CHANNEL = 'unroll:request';
/** Electron IPC channel for pushed events. */
export const EVENT_CHANNEL = 'unroll:event';
/** Web host: header carrying the per-launch token. */
export const TOKEN_HEADER = 'x-unroll-token';
/** Web host: query parameter carrying the per-launch token in the page URL and the WebSocket URL. */
export const TOKEN_QUERY = 'token';
/** Web host: path prefix of requests, `POST /api/<name>`. */
export const API_PREFIX = '/api/';
/** Web host: path of the event WebSocket. */
export const EVENTS_PATH = '/events';
