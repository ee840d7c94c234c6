import { base58Decode, base58Encode } from '../core/base58.ts';

/**
 * The trade's signature is stored as its 64 bytes (migration 0071) and is base58 everywhere else: these
 * two convert at the storage edge. Bytes travel as bytea input text (`\x` and hex), which COPY and JSON rows
 * take as is; a query parameter is passed as `$n::text::bytea`, since PGlite takes a parameter typed bytea
 * only as a Uint8Array.
 */

const SIGNATURE_BYTES = 64;

/** A base58 signature as bytea text, or null when it is not 64 bytes of base58. */
export function signatureBytea(signature: string): string | null {
  const bytes = base58Decode(signature);
  if (bytes === null || bytes.length !== SIGNATURE_BYTES) return null;
  return '\\x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** A stored signature as read by either driver (pg: Buffer, PGlite: Uint8Array), back to base58. */
export function signatureText(bytes: Uint8Array): string {
  return base58Encode(bytes);
}
