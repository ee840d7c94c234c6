import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import bs58 from 'bs58';
import { base58Decode, base58Encode, clearKeyMemo, isBase58 } from '../../../src/core/base58.ts';
import { NormalizeError, normalizeRpcTransaction } from '../../../src/sources/formats/index.ts';

/** Random bytes with the shapes that break base58 code: leading zeros, all zeros, all 0xff. */
function samples(lengths: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (const n of lengths) {
    out.push(Buffer.alloc(n), Buffer.alloc(n, 0xff), randomBytes(n));
    const zeros = randomBytes(n);
    zeros.fill(0, 0, Math.min(n, 3));
    out.push(zeros);
  }
  return out;
}

describe('base58 (table encoder, deferred-carry decoder) against the bs58 package', () => {
  it('encodes and decodes every length up to 130 bytes and long payloads', () => {
    const lengths = [...Array.from({ length: 131 }, (_, n) => n), 200, 271, 350, 700];
    for (const b of samples(lengths)) {
      const text = bs58.encode(b);
      assert.equal(base58Encode(b), text, `encode ${b.toString('hex')}`);
      assert.deepEqual(Buffer.from(base58Decode(text)!), b, `decode ${text}`);
    }
  });

  it('encodes 20 000 random keys and signatures exactly', () => {
    for (let i = 0; i < 20_000; i++) {
      const b = randomBytes(i % 2 === 0 ? 32 : 64);
      if (i % 7 === 0) b[0] = 0;
      assert.equal(base58Encode(b), bs58.encode(b));
    }
  });

  it('memoized keys: colliding slots, repeats and a cleared memo all give the exact text', () => {
    // Same first and last 4 bytes: same memo slot, different keys.
    const keys = Array.from({ length: 50 }, () => {
      const k = randomBytes(32);
      k.writeUInt32LE(0xdeadbeef, 0);
      k.writeUInt32LE(0x01020304, 28);
      return k;
    });
    for (let round = 0; round < 3; round++) {
      if (round === 2) clearKeyMemo();
      for (const k of keys) assert.equal(base58Encode(k), bs58.encode(k));
      for (const k of keys.slice().reverse()) assert.equal(base58Encode(k), bs58.encode(k));
    }
    const zero = new Uint8Array(32);
    assert.equal(base58Encode(zero), '11111111111111111111111111111111');
    clearKeyMemo();
    assert.equal(base58Encode(zero), '11111111111111111111111111111111');
  });

  it('encodes a range of a larger buffer as the bytes of that range', () => {
    const wire = randomBytes(200);
    wire.fill(0, 40, 42);
    for (const [start, end] of [[0, 32], [40, 72], [168, 200], [10, 11], [5, 5]] as const) {
      assert.equal(base58Encode(wire, start, end), bs58.encode(wire.subarray(start, end)));
    }
  });

  it('rejects characters outside the alphabet', () => {
    for (const bad of ['0', 'O', 'I', 'l', 'abc+', 'é', '11 1']) {
      assert.equal(isBase58(bad), false, bad);
      assert.equal(base58Decode(bad), null, bad);
    }
    assert.equal(isBase58(''), true);
    assert.deepEqual(base58Decode(''), new Uint8Array(0));
  });
});

describe('base58 instruction data', () => {
  const key = (n: number) => bs58.encode(Buffer.alloc(32, n));
  const tx = (data: string) => ({
    slot: 1,
    meta: { err: null, innerInstructions: [{ index: 0, instructions: [{ programIdIndex: 1, accounts: [0], data }] }] },
    transaction: { signatures: [bs58.encode(Buffer.alloc(64, 9))], message: { accountKeys: [key(1), key(2)], instructions: [{ programIdIndex: 1, accounts: [0], data }] } },
  });

  it('reads as the decoded bytes, can be replaced, and spreads and compares as a plain value', () => {
    const bytes = randomBytes(300);
    const raw = normalizeRpcTransaction(tx(bs58.encode(bytes)));
    const ix = raw.innerInstructions[0]!.instructions[0]!;
    assert.deepEqual(Buffer.from(ix.data), bytes);
    assert.equal(ix.data, ix.data, 'decoded once, then kept');
    assert.deepEqual({ ...ix }, { programIdIndex: 1, accounts: [0], data: new Uint8Array(bytes), stackHeight: null });
    assert.deepEqual(structuredClone(raw.instructions[0]), { programIdIndex: 1, accounts: [0], data: new Uint8Array(bytes), stackHeight: 1 });
    ix.data = Uint8Array.of(1, 2);
    assert.deepEqual(ix.data, Uint8Array.of(1, 2));
  });

  it('invalid base58 fails at normalization, short or long', () => {
    for (const bad of ['3yZe0', `${bs58.encode(randomBytes(100))}0`]) {
      assert.throws(
        () => normalizeRpcTransaction(tx(bad)),
        (err: unknown) => err instanceof NormalizeError && err.reason === 'bad_base58',
      );
    }
  });
});
