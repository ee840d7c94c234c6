import bs58 from 'bs58';
import type { AccountState, Ledger } from './ledger.ts';
import type { Rng } from './rng.ts';
import type { AccountMeta, ProgramLogLines } from './tx.ts';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';


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
    let v = rng.u32() % 656356768; // 58^5 < 2^31: int32 arithmetic below
    for (let j = 0; j < 5 && i < end; j++, i++) {
      const q = (v / 58) | 0;
      scratch[i] = ALPHABET_CODES[v - q * 58]!;
      v = q;
    }
  }
  scratch.write(suffix, end, 'latin1');
  return scratch.toString('latin1', 0, length);
}

/**
 * A simulated account: its base58 address and the 32 raw bytes events carry (decoded only when an event
 * payload needs them; most accounts never do). Every address has exactly one Key object, so the object also
 * caches what the hot paths would otherwise look up by address string in maps: its balances in the ledger
 * that touched it last ({@link Ledger}) and its registration in the transaction being compiled (`TxBuilder`).
 */
export class Key {
  private raw: Uint8Array | null;
  private metas: [AccountMeta, AccountMeta, AccountMeta] | null = null;

  // ---- Ledger state: the last ledger that touched this account and its state there ----
  ledger: Ledger | null = null;
  state: AccountState | null = null;

  // ---- TxBuilder state for the transaction being compiled ----
  /** Serial of the builder that registered this key last. */
  txSerial = 0;
  txSigner = false;
  txWritable = false;
  /** Serial of the builder in which this key is a top-level program (never loaded from a lookup table). */
  txProgram = 0;
  /** Index in the compiled transaction's account keys. */
  txIndex = 0;
  /** Position in the simulated wallets' address lookup table, or -1. */
  tableIndex = -1;
  /** As a program: its log lines (`Program <id> success`, `… invoke [1…]`), built on first use. */
  programLogs: ProgramLogLines | null = null;

  constructor(
    readonly b58: string,
    bytes: Uint8Array | null = null,
  ) {
    this.raw = bytes;
  }

  get bytes(): Uint8Array {
    this.raw ??= bs58.decode(this.b58);
    return this.raw;
  }

  /** The account as an instruction account: readonly, writable, or writable signer (one shared meta each). */
  meta(kind: 0 | 1 | 2): AccountMeta {
    this.metas ??= [
      { key: this, signer: false, writable: false },
      { key: this, signer: false, writable: true },
      { key: this, signer: true, writable: true },
    ];
    return this.metas[kind];
  }
}

/** A fresh pseudo-random account address (optionally with a vanity suffix, e.g. pump.fun's `pump`). */
export function newKey(rng: Rng, suffix = ''): Key {
  return new Key(digits(rng, 44, 16, suffix));
}

/** A fresh 64-byte transaction signature in base58 (only the string form is ever needed). */
export function newSignature(rng: Rng): string {
  return digits(rng, 88, 4, '');
}

/** A well-known address given in base58. */
export function knownKey(b58: string): Key {
  return new Key(b58, bs58.decode(b58));
}
