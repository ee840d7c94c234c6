const SLAB_BYTES = 64 * 1024;

/**
 * A small Borsh writer for event payloads and instruction data: little-endian. It writes into a slab that it
 * hands out piece by piece ({@link finish} returns a view, never rewritten), so a transaction's many small
 * byte strings cost no buffer allocation each.
 */
export class BorshWriter {
  private buf = new Uint8Array(SLAB_BYTES);
  private view = new DataView(this.buf.buffer);
  /** Where the value being written starts in the slab, and where the next byte goes. */
  private start = 0;
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const written = this.pos - this.start;
    const next = new Uint8Array(Math.max(SLAB_BYTES, 2 * (written + n)));
    next.set(this.buf.subarray(this.start, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.start = 0;
    this.pos = written;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  u64(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  i64(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  string(s: string): this {
    const encoded = Buffer.from(s, 'utf8');
    this.u32(encoded.length);
    return this.bytes(encoded);
  }

  /** What was written since {@link reset}: a view of the slab that later writes never touch. */
  finish(): Uint8Array {
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    return out;
  }

  /** Starts a new value (discarding anything written since the last {@link finish}). */
  reset(): this {
    this.pos = this.start;
    return this;
  }
}

/** `prefix ‖ …` in one fresh array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
