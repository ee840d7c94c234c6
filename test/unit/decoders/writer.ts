/** Little Borsh writer for synthetic payloads in tests (pubkeys are 32 bytes of one repeated value). */
export class Writer {
  private readonly parts: number[] = [];
  get length(): number {
    return this.parts.length;
  }
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >> 8);
  }
  u32(v: number): this {
    for (let i = 0; i < 4; i++) this.u8(v >>> (8 * i));
    return this;
  }
  u64(v: bigint): this {
    for (let i = 0n; i < 8n; i++) this.u8(Number((BigInt.asUintN(64, v) >> (8n * i)) & 0xffn));
    return this;
  }
  i64(v: bigint): this {
    return this.u64(v);
  }
  key(fill: number): this {
    for (let i = 0; i < 32; i++) this.u8(fill);
    return this;
  }
  string(s: string): this {
    const b = Buffer.from(s, 'utf8');
    this.u32(b.length);
    for (const x of b) this.u8(x);
    return this;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
