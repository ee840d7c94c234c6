import { base58Encode } from '../core/base58.ts';

/** A payload ended inside a field or held an impossible value: the event/instruction is corrupt. */
export class BorshError extends Error {
  override name = 'BorshError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bounds-checked Borsh reader over a Uint8Array (little-endian, no per-field allocation except the
 * strings and keys it returns). Every read that would pass the end throws {@link BorshError}.
 */
export class BorshReader {
  private readonly view: DataView;
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = offset;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number, what: string): number {
    const at = this.pos;
    if (at + n > this.bytes.length) throw new BorshError(`${what} needs ${n} bytes at offset ${at}, ${this.bytes.length - at} left`);
    this.pos = at + n;
    return at;
  }

  u8(what = 'u8'): number {
    return this.bytes[this.need(1, what)]!;
  }
  u16(what = 'u16'): number {
    return this.view.getUint16(this.need(2, what), true);
  }
  u32(what = 'u32'): number {
    return this.view.getUint32(this.need(4, what), true);
  }
  u64(what = 'u64'): bigint {
    return this.view.getBigUint64(this.need(8, what), true);
  }
  i64(what = 'i64'): bigint {
    return this.view.getBigInt64(this.need(8, what), true);
  }
  bool(what = 'bool'): boolean {
    const b = this.u8(what);
    if (b > 1) throw new BorshError(`${what} is ${b}, not a bool`);
    return b === 1;
  }
  pubkey(what = 'pubkey'): string {
    const at = this.need(32, what);
    return base58Encode(this.bytes, at, at + 32);
  }
  /** u32 length + UTF-8 bytes; invalid UTF-8 is corruption, not something to paper over. */
  string(what = 'string'): string {
    const len = this.u32(`${what} length`);
    const at = this.need(len, what);
    try {
      return utf8.decode(this.bytes.subarray(at, at + len));
    } catch {
      throw new BorshError(`${what} is not valid UTF-8`);
    }
  }
  skip(n: number, what = 'bytes'): void {
    this.need(n, what);
  }
  /** An enum tag that must be below `variants`. */
  tag(variants: number, what: string): number {
    const t = this.u8(what);
    if (t >= variants) throw new BorshError(`${what} variant ${t} is unknown`);
    return t;
  }
}

/**
 * Reads field groups appended by program upgrades while bytes remain; returns how many were read. A group
 * is all-or-nothing: ending inside one throws.
 */
export function readGroups(r: BorshReader, groups: ReadonlyArray<() => unknown>): number {
  let read = 0;
  for (const group of groups) {
    if (r.remaining === 0) break;
    group();
    read++;
  }
  return read;
}
