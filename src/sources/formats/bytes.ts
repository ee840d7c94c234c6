import { base58Decode as decode58 } from '../../core/base58.ts';
import { NormalizeError } from './errors.ts';

export { base58Encode, isBase58 } from '../../core/base58.ts';

/** base58 that throws a NormalizeError instead of returning null. */
export function base58Decode(text: string): Uint8Array {
  const out = decode58(text);
  if (out === null) throw new NormalizeError('bad_base58', `invalid base58 text (${text.length} chars)`);
  return out;
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (Buffer silently skips garbage; wire data must not be guessed at). */
export function base64Decode(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64_RE.test(text)) throw new NormalizeError('bad_base64');
  const buf = Buffer.from(text, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
