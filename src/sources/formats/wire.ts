import type { RawInstruction } from '../../core/rawtx.ts';
import { base58Encode } from './bytes.ts';
import { NormalizeError } from './errors.ts';

/** A transaction parsed from its wire bytes (the `base64` encoding, Yellowstone raw blobs). */
export interface WireTransaction {
  signatures: Uint8Array[];
  version: 'legacy' | 0 | 1;
  staticKeys: string[];
  instructions: RawInstruction[];
  /** Address-table lookups present (v0): the loaded addresses must come from the metadata. */
  lookupCount: number;
}

/** Bounds-checked forward reader over the wire bytes; every overrun is a NormalizeError. */
class WireCursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new NormalizeError('truncated_transaction', `need ${n} bytes at ${this.pos}`);
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.bytes[this.pos]! | (this.bytes[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const b = this.bytes;
    const v = (b[this.pos]! | (b[this.pos + 1]! << 8) | (b[this.pos + 2]! << 16)) + b[this.pos + 3]! * 0x1000000;
    this.pos += 4;
    return v;
  }
  /** Solana's compact-u16 (1–3 bytes, 7 bits each). */
  shortVec(): number {
    let value = 0;
    for (let shift = 0; shift <= 14; shift += 7) {
      const b = this.u8();
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new NormalizeError('bad_compact_u16', `at ${this.pos}`);
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  /** n single-byte indices as a plain array (what RawInstruction.accounts holds). */
  indices(n: number): number[] {
    this.need(n);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.bytes[this.pos + i]!;
    this.pos += n;
    return out;
  }
  keys(count: number): string[] {
    this.need(32 * count);
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++, this.pos += 32) out[i] = base58Encode(this.bytes, this.pos, this.pos + 32);
    return out;
  }
}

/** Parse a serialized transaction: legacy, v0, or v1 (signatures after the message, see SOURCES.md). */
export function parseWireTransaction(bytes: Uint8Array): WireTransaction {
  const c = new WireCursor(bytes);
  if (bytes.length > 0 && bytes[0] === 0x81) return parseV1(c);
  const sigCount = c.shortVec();
  const signatures: Uint8Array[] = [];
  for (let i = 0; i < sigCount; i++) signatures.push(c.take(64));
  const prefix = c.u8();
  let version: 'legacy' | 0 = 'legacy';
  if (prefix & 0x80) {
    if ((prefix & 0x7f) !== 0) throw new NormalizeError('unsupported_version', `message version ${prefix & 0x7f}`);
    version = 0;
    c.skip(3);
  } else {
    c.skip(2); // prefix was numRequiredSignatures
  }
  const staticKeys = c.keys(c.shortVec());
  c.skip(32); // recent blockhash
  const ixCount = c.shortVec();
  const instructions: RawInstruction[] = [];
  for (let i = 0; i < ixCount; i++) {
    const programIdIndex = c.u8();
    const accounts = c.indices(c.shortVec());
    const data = c.take(c.shortVec());
    instructions.push({ programIdIndex, accounts, data, stackHeight: 1 });
  }
  let lookupCount = 0;
  if (version === 0) {
    lookupCount = c.shortVec();
    for (let i = 0; i < lookupCount; i++) {
      c.skip(32);
      c.skip(c.shortVec());
      c.skip(c.shortVec());
    }
  }
  if (c.pos !== bytes.length) throw new NormalizeError('trailing_bytes', `${bytes.length - c.pos} bytes after the message`);
  if (signatures.length === 0) throw new NormalizeError('no_signature');
  return { signatures, version, staticKeys, instructions, lookupCount };
}

/**
 * Message v1: 0x81 ‖ header(3) ‖ config mask u32 ‖ blockhash ‖ ix count u8 ‖ key count u8 ‖ keys ‖
 * one 4-byte word per set mask bit ‖ per instruction (program u8, account count u8, data length u16) ‖
 * per instruction its account indices and data ‖ signatures (numRequiredSignatures × 64).
 */
function parseV1(c: WireCursor): WireTransaction {
  c.u8();
  const numRequiredSignatures = c.u8();
  c.skip(2);
  const mask = c.u32();
  c.skip(32);
  const ixCount = c.u8();
  const staticKeys = c.keys(c.u8());
  let words = 0;
  for (let m = mask; m !== 0; m >>>= 1) words += m & 1;
  c.skip(4 * words);
  const headers: Array<[number, number, number]> = [];
  for (let i = 0; i < ixCount; i++) headers.push([c.u8(), c.u8(), c.u16()]);
  const instructions: RawInstruction[] = headers.map(([programIdIndex, accountCount, dataLength]) => ({
    programIdIndex,
    accounts: c.indices(accountCount),
    data: c.take(dataLength),
    stackHeight: 1,
  }));
  const signatures: Uint8Array[] = [];
  for (let i = 0; i < numRequiredSignatures; i++) signatures.push(c.take(64));
  if (c.pos !== c.bytes.length) throw new NormalizeError('trailing_bytes', `${c.bytes.length - c.pos} bytes after the v1 transaction`);
  if (signatures.length === 0) throw new NormalizeError('no_signature');
  return { signatures, version: 1, staticKeys, instructions, lookupCount: 0 };
}
