import { API_PREFIX, EVENTS_PATH, parseHostEvent, TOKEN_HEADER, TOKEN_QUERY, type HostEvent, type Reply, type UnrollApi } from '../../src/protocol';

/**
 * The web host as an `UnrollApi`: requests are `POST /api/<name>` with the launch token in a header;
 * events arrive on a WebSocket, reconnected with a growing delay while the host is away.
 */
export function createWebClient(token: string, origin: string = window.location.origin): UnrollApi {
  const listeners = new Set<(event: HostEvent) => void>();
  let socket: WebSocket | undefined;
  let retryMs = 500;

  const emit = (event: HostEvent): void => {
    for (const l of listeners) l(event);
  };

  function connect(): void {
    const url = new URL(EVENTS_PATH, origin.replace(/^http/, 'ws'));
    url.searchParams.set(TOKEN_QUERY, token);
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
    };
    ws.onmessage = (msg) => {
      let data: unknown;
      try {
        data = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      const event = parseHostEvent(data);
      if (event !== undefined) emit(event);
    };
    ws.onclose = () => {
      if (socket !== ws || listeners.size === 0) return;
      emit({ name: 'host.notice', payload: { level: 'warning', message: `Lost the connection to the web host; retrying in ${Math.round(retryMs / 1000)} s` } });
      setTimeout(() => {
        if (listeners.size > 0) connect();
      }, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  }

  return {
    async call(name, payload) {
      let res: Response;
      try {
        res = await fetch(`${origin}${API_PREFIX}${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
          body: JSON.stringify(payload),
        });
      } catch (err) {
        return { ok: false, error: { code: 'io', message: `could not reach the web host: ${(err as Error).message}` } };
      }
      try {
        return (await res.json()) as Reply<never>;
      } catch {
        return { ok: false, error: { code: 'internal', message: `the web host answered ${name} with HTTP ${res.status} and no JSON` } };
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      if (socket === undefined) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && socket !== undefined) {
          const s = socket;
          socket = undefined;
          s.close();
        }
      };
    },
  };
}
