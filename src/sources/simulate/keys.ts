import bs58 from 'bs58';
import type { Rng } from './rng.ts';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A simulated account: its base58 address and the 32 raw bytes events carry. */
export interface Key {
  readonly b58: string;
  readonly bytes: Uint8Array;
}

/**
 * Writes `length` base58 digits whose first digit is in [1, firstMax]: with 44 digits and firstMax 16 the
 * value lies in [58^43, 17·58^43) ⊂ [2^251.9, 2^256), so it is always the canonical encoding of exactly
 * 32 bytes (88 digits, firstMax 4 → 64 bytes). This skips base58 encoding, which costs ~8 µs per signature.
 */
function digits(rng: Rng, length: number, firstMax: number, suffix: string): string {
  let out = ALPHABET[1 + rng.int(firstMax)]!;
  const body = length - 1 - suffix.length;
  for (let i = 0; i < body; ) {
    let v = rng.u32() % 656356768; // 58^5
    for (let j = 0; j < 5 && i < body; j++, i++) {
      out += ALPHABET[v % 58];
      v = Math.floor(v / 58);
    }
  }
  return out + suffix;
}

/** A fresh pseudo-random account address (optionally with a vanity suffix, e.g. pump.fun's `pump`). */
export function newKey(rng: Rng, suffix = ''): Key {
  const b58 = digits(rng, 44, 16, suffix);
  return { b58, bytes: bs58.decode(b58) };
}

/** A fresh 64-byte transaction signature in base58 (only the string form is ever needed). */
export function newSignature(rng: Rng): string {
  return digits(rng, 88, 4, '');
}

/** A well-known address given in base58. */
export function knownKey(b58: string): Key {
  return { b58, bytes: bs58.decode(b58) };
}
