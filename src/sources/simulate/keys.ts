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
const ALPHABET_CODES = Buffer.from(ALPHABET, 'latin1');
const scratch = Buffer.alloc(88);

function digits(rng: Rng, length: number, firstMax: number, suffix: string): string {
  scratch[0] = ALPHABET_CODES[1 + rng.int(firstMax)]!;
  const end = length - suffix.length;
  for (let i = 1; i < end; ) {
    let v = rng.u32() % 656356768; // 58^5
    for (let j = 0; j < 5 && i < end; j++, i++) {
      scratch[i] = ALPHABET_CODES[v % 58]!;
      v = Math.floor(v / 58);
    }
  }
  scratch.write(suffix, end, 'latin1');
  return scratch.toString('latin1', 0, length);
}

/** A key whose raw bytes are decoded only when an event payload needs them (most accounts never do). */
class LazyKey implements Key {
  private raw: Uint8Array | null = null;
  constructor(readonly b58: string) {}
  get bytes(): Uint8Array {
    this.raw ??= bs58.decode(this.b58);
    return this.raw;
  }
}

/** A fresh pseudo-random account address (optionally with a vanity suffix, e.g. pump.fun's `pump`). */
export function newKey(rng: Rng, suffix = ''): Key {
  return new LazyKey(digits(rng, 44, 16, suffix));
}

/** A fresh 64-byte transaction signature in base58 (only the string form is ever needed). */
export function newSignature(rng: Rng): string {
  return digits(rng, 88, 4, '');
}

/** A well-known address given in base58. */
export function knownKey(b58: string): Key {
  return { b58, bytes: bs58.decode(b58) };
}
