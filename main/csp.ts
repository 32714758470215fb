/**
 * The Content-Security-Policy of the app page, shared by the web host (a response header) and
 * Electron (a header on the `unroll://` protocol and the dev server). Scripts come only from the app
 * itself. Two relaxations, each for a named reason:
 * - `style-src 'unsafe-inline'`: React Flow positions nodes with `style` attributes, and KaTeX sets
 *   heights, depths and struts of typeset equations the same way (it has no class-only output).
 * - `font-src data:`: KaTeX's fonts are bundled by Vite, which inlines the smallest of them
 *   (KaTeX_Size3, under its 4 KiB asset limit) as a `data:` URL inside the CSS.
 */
export interface CspOptions {
  /** Development with Vite's server: allows its inline preamble script and its HMR socket. */
  readonly devServer?: string;
}

export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const dev = opts.devServer;
  const devWs = dev === undefined ? '' : ` ${dev.replace(/^http/, 'ws')}`;
  const directives: Record<string, string> = {
    'default-src': "'none'",
    'script-src': dev === undefined ? "'self'" : `'self' 'unsafe-inline' ${dev}`,
    'style-src': "'self' 'unsafe-inline'",
    'img-src': "'self' data: blob:",
    'font-src': "'self' data:",
    'connect-src': `'self'${dev === undefined ? '' : ` ${dev}${devWs}`}`,
    'worker-src': "'self' blob:",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
    'object-src': "'none'",
  };
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}
