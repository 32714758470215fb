import { parseHostEvent, TOKEN_QUERY, type UnrollApi } from '../../src/protocol';
import { createWebClient } from './webClient';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    readonly unroll?: UnrollApi;
  }
}

const TOKEN_KEY = 'unroll.token';

/**
 * The launch token of the web host: taken from `?token=` on first load, kept for this tab in
 * sessionStorage, and removed from the address bar so it is not shared by copying the URL.
 */
function webToken(): string | undefined {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get(TOKEN_QUERY);
  if (fromUrl !== null) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete(TOKEN_QUERY);
    window.history.replaceState(null, '', url);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

let host: UnrollApi | null | undefined;

/** The host this page talks to (Electron's bridge or the web host), or null when there is none. */
export function getHost(): UnrollApi | null {
  if (host !== undefined) return host;
  const bridge = window.unroll;
  if (bridge !== undefined) {
    // Electron's bridge; its events are checked like any message from outside the page.
    host = {
      call: (name, payload) => bridge.call(name, payload),
      onEvent: (listener) =>
        bridge.onEvent((raw) => {
          const event = parseHostEvent(raw);
          if (event !== undefined) listener(event);
        }),
    };
  } else {
    const token = webToken();
    host = token === undefined ? null : createWebClient(token);
  }
  return host;
}
