import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../main/csp';
import { APP_URL, isAppUrl, isTrustedSender, mayNavigate } from '../../../main/electron/security';

describe('Electron shell security rules', () => {
  it('the app page lives on the unroll:// scheme', () => {
    expect(APP_URL).toBe('unroll://app/index.html');
    expect(isAppUrl('unroll://app/index.html', APP_URL)).toBe(true);
    expect(isAppUrl('unroll://app/assets/x.js?v=1#a', APP_URL)).toBe(true);
  });

  it('other schemes, hosts, ports and credentials are not the app', () => {
    for (const url of ['file:///etc/passwd', 'https://app/index.html', 'unroll://evil/index.html', 'unroll://app.evil/index.html', 'unroll://user:pw@app/index.html', 'not a url', '']) {
      expect(isAppUrl(url, APP_URL), url).toBe(false);
    }
    expect(isAppUrl(undefined, APP_URL)).toBe(false);
  });

  it('with the dev server, only its exact origin counts', () => {
    const dev = 'http://localhost:5173';
    expect(isAppUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false);
  });

  it('trusts IPC only from the app main frame', () => {
    expect(isTrustedSender('unroll://app/index.html', true, APP_URL)).toBe(true);
    expect(isTrustedSender('unroll://app/index.html', false, APP_URL)).toBe(false);
    expect(isTrustedSender('https://example.com/', true, APP_URL)).toBe(false);
    expect(isTrustedSender(undefined, true, APP_URL)).toBe(false);
  });

  it('allows navigation only inside the app', () => {
    expect(mayNavigate('unroll://app/index.html', APP_URL)).toBe(true);
    expect(mayNavigate('https://example.com/', APP_URL)).toBe(false);
    expect(mayNavigate('javascript:alert(1)', APP_URL)).toBe(false);
  });
});

describe('content security policy', () => {
  const directives = (csp: string): Map<string, string> => new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.slice(d.indexOf(' ') + 1)]));

  it('is strict in production: scripts only from the app, nothing else by default', () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('default-src')).toBe("'none'");
    expect(d.get('script-src')).toBe("'self'");
    expect(d.get('object-src')).toBe("'none'");
    expect(d.get('frame-ancestors')).toBe("'none'");
    expect(d.get('connect-src')).toBe("'self'");
  });

  it('opens only the dev server (and its HMR socket) in development', () => {
    const d = directives(contentSecurityPolicy({ devServer: 'http://localhost:5173' }));
    expect(d.get('script-src')).toBe("'self' 'unsafe-inline' http://localhost:5173");
    expect(d.get('connect-src')).toBe("'self' http://localhost:5173 ws://localhost:5173");
  });
});
