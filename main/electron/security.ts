/**
 * The pure rules of the Electron shell's security, kept apart from Electron so they are unit-tested:
 * which URLs count as the app, which IPC senders are trusted, where navigation may go.
 */

/** The app page is served from this privileged custom scheme, never from `file://`. */
export const APP_SCHEME = 'unroll';
export const APP_HOST = 'app';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

function parse(url: string | undefined): URL | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * True when `url` has the same scheme, host and port as `appUrl`. (`URL.origin` is `"null"` for
 * custom schemes, so the parts are compared one by one.)
 */
export function isAppUrl(url: string | undefined, appUrl: string): boolean {
  const a = parse(url);
  const b = parse(appUrl);
  if (a === undefined || b === undefined) return false;
  return a.protocol === b.protocol && a.host === b.host && a.username === '' && a.password === '';
}

/** An IPC message is answered only when it comes from the app page itself (its main frame). */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, appUrl: string): boolean {
  return isMainFrame && isAppUrl(frameUrl, appUrl);
}

/** In-page navigation is allowed only inside the app (e.g. a reload); everything else is refused. */
export function mayNavigate(url: string, appUrl: string): boolean {
  return isAppUrl(url, appUrl);
}
