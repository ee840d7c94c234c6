const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 for `Program data:` lines; null when the text is not base64 (Buffer would skip garbage). */
export function base64Decode(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !BASE64_RE.test(text)) return null;
  const buf = Buffer.from(text, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
