import { base58Decode as decode58 } from '../../core/base58.ts';
import { NormalizeError } from './errors.ts';

export { base58Encode } from '../../core/base58.ts';

/** base58 that throws a NormalizeError instead of returning null. */
export function base58Decode(text: string): Uint8Array {
  const out = decode58(text);
  if (out === null) throw new NormalizeError('bad_base58', `invalid base58 text (${text.length} chars)`);
  return out;
}

/**
 * Strict base64: Buffer skips characters outside the alphabet and stops at a misplaced '=', so any of those
 * leaves it short of the byte count the text's length promises (wire data must not be guessed at). Only the
 * URL-safe letters, which Buffer accepts, need their own check. Linear and regex-free: whole transactions pass here.
 */
export function base64Decode(text: string): Uint8Array {
  const len = text.length;
  if (len % 4 !== 0 || text.includes('-') || text.includes('_')) throw new NormalizeError('bad_base64');
  const pad = len > 0 && text.charCodeAt(len - 1) === 61 /* = */ ? (text.charCodeAt(len - 2) === 61 ? 2 : 1) : 0;
  const buf = Buffer.from(text, 'base64');
  if (buf.length !== (len / 4) * 3 - pad) throw new NormalizeError('bad_base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
