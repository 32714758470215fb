/**
 * Standard base64 (RFC 4648 §4: `A–Z a–z 0–9 + /`, `=` padding), written out so that `src/` needs
 * neither `atob` nor `Buffer`. Decoding is strict: the length is a multiple of 4 and `=` appears
 * only as the final one or two characters.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODES = new Uint8Array(ALPHABET.length);
for (let i = 0; i < ALPHABET.length; i++) CODES[i] = ALPHABET.charCodeAt(i);
const INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;
const PAD = 0x3d; // '='

/** Encodes bytes as padded base64 text. */
export function encodeBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = CODES[v >>> 18]!;
    out[o++] = CODES[(v >>> 12) & 63]!;
    out[o++] = CODES[(v >>> 6) & 63]!;
    out[o++] = CODES[v & 63]!;
  }
  if (i < n) {
    const rest = n - i;
    const v = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = CODES[v >>> 18]!;
    out[o++] = CODES[(v >>> 12) & 63]!;
    out[o++] = rest === 2 ? CODES[(v >>> 6) & 63]! : PAD;
    out[o++] = PAD;
  }
  // Build the string in chunks: one call per byte would be slow, one call for all overflows the stack.
  let text = '';
  const CHUNK = 0x8000;
  for (let c = 0; c < out.length; c += CHUNK) text += String.fromCharCode.apply(null, out.subarray(c, c + CHUNK) as unknown as number[]);
  return text;
}

/** Number of bytes `text` decodes to, or -1 when it is not strict padded base64 (length check only). */
export function decodedLength(text: string): number {
  if (text.length % 4 !== 0) return -1;
  if (text.length === 0) return 0;
  const pad = text.charCodeAt(text.length - 1) === PAD ? (text.charCodeAt(text.length - 2) === PAD ? 2 : 1) : 0;
  return (text.length / 4) * 3 - pad;
}

export type Base64Result = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly message: string };

/** Decodes strict padded base64 into a fresh, aligned byte array. */
export function decodeBase64(text: string): Base64Result {
  const len = decodedLength(text);
  if (len < 0) return { ok: false, message: `base64 text must have a length that is a multiple of 4 (with = padding), not ${text.length}` };
  const bytes = new Uint8Array(len);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let v = 0;
    let pads = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      if (c === PAD && i + 4 === text.length && k >= 2 && (k === 3 || text.charCodeAt(i + 3) === PAD)) {
        pads++;
        v <<= 6;
        continue;
      }
      const d = c < 128 ? INDEX[c]! : -1;
      if (d < 0 || pads > 0) return { ok: false, message: `character ${i + k} (${JSON.stringify(text[i + k])}) is not base64` };
      v = (v << 6) | d;
    }
    bytes[o++] = v >>> 16;
    if (pads < 2) bytes[o++] = (v >>> 8) & 255;
    if (pads < 1) bytes[o++] = v & 255;
  }
  return { ok: true, bytes };
}
