import { base58Decode, base58Encode } from '../core/base58.ts';

/**
 * A trade's signature and trader are stored as their bytes (migrations 0071, 0073) and are base58
 * everywhere else: these convert at the storage edge. Bytes travel as bytea input text (`\x` and hex),
 * which COPY and JSON rows take as is; a query parameter is passed as `$n::text::bytea`, since PGlite
 * takes a parameter typed bytea only as a Uint8Array.
 */

const SIGNATURE_BYTES = 64;
const ADDRESS_BYTES = 32;

/** Base58 as bytea text, or null when it is not `length` bytes of base58. */
function base58Bytea(value: string, length: number): string | null {
  const bytes = base58Decode(value);
  if (bytes === null || bytes.length !== length) return null;
  return '\\x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** A base58 signature as bytea text, or null when it is not 64 bytes of base58. */
export const signatureBytea = (signature: string): string | null => base58Bytea(signature, SIGNATURE_BYTES);

/** A base58 address as bytea text, or null when it is not 32 bytes of base58. */
export const addressBytea = (address: string): string | null => base58Bytea(address, ADDRESS_BYTES);

/** A trade's signature and trader as bytea text: the stored form of its two chain keys. */
export interface TradeBytes {
  signature: string;
  user: string;
}

/** The trade's {@link TradeBytes}, or why they cannot be stored. */
export function tradeBytes(t: { signature: string; user: string }): TradeBytes | string {
  const signature = signatureBytea(t.signature);
  if (signature === null) return `signature ${JSON.stringify(t.signature)} is not 64 bytes of base58`;
  const user = addressBytea(t.user);
  if (user === null) return `user ${JSON.stringify(t.user)} is not 32 bytes of base58`;
  return { signature, user };
}

/** Stored bytes as read by either driver (pg: Buffer, PGlite: Uint8Array), back to base58. */
export function base58Text(bytes: Uint8Array): string {
  return base58Encode(bytes);
}
