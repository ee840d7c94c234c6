import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import bs58 from 'bs58';
import { base58Decode, base58Encode, NormalizeError, normalizeAnyTransaction, normalizeRpcBlock, normalizeRpcTransaction, normalizeYellowstoneTransaction, parseTransactionInput } from '../../../src/sources/formats/index.ts';
import { DECODER_READ_CONTEXT, decodeTransaction } from '../../../src/decoders/index.ts';
import { fixturesMissing, loadFullTransactions, readFixture } from './fixtures.ts';

describe('base58', () => {
  it('matches the bs58 package on random lengths and leading zeros', () => {
    for (let n = 0; n < 500; n++) {
      const b = randomBytes(n % 90);
      if (n % 5 === 0 && b.length > 1) b[0] = 0;
      assert.equal(base58Encode(b), bs58.encode(b));
      assert.deepEqual(Buffer.from(base58Decode(bs58.encode(b))), b);
    }
    assert.throws(() => base58Decode('0OIl'), NormalizeError);
  });
});

describe('normalizers on the shared fixtures', { skip: fixturesMissing }, () => {
  it('every full transaction normalizes; signatures and versions match index.json where listed', () => {
    const index = readFixture('index.json') as { files: Array<{ file: string; transactions: Array<{ signature: string; version?: unknown }> }> };
    for (const f of loadFullTransactions()) {
      const tx = normalizeAnyTransaction(f.value, { slot: 0 });
      const entry = index.files.find((e) => f.name.startsWith(e.file));
      if (!entry) continue; // k1LPbZb3 was added after index.json (SOURCES.md, "Added later")
      const listed = entry?.transactions.find((t) => t.signature === tx.signature);
      assert.ok(listed, `${f.name}: signature ${tx.signature} not in index.json`);
      if (listed.version !== undefined && listed.version !== null) assert.equal(tx.version, listed.version, f.name);
    }
  });

  it('read for the decoders (instructionDataOf): other programs\' inner bytes are left out, every event and problem is the same', () => {
    let blanked = 0;
    for (const f of loadFullTransactions()) {
      const full = normalizeAnyTransaction(f.value, { slot: 0 });
      const read = normalizeAnyTransaction(f.value, { slot: 0, ...DECODER_READ_CONTEXT });
      const key = (r: ReturnType<typeof decodeTransaction>) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      assert.equal(key(decodeTransaction(read)), key(decodeTransaction(full)), f.name);
      read.innerInstructions.forEach((g, gi) => g.instructions.forEach((ix, i) => {
        const kept = DECODER_READ_CONTEXT.instructionDataOf.has(read.accountKeys[ix.programIdIndex]!);
        const before = full.innerInstructions[gi]!.instructions[i]!;
        assert.deepEqual([ix.programIdIndex, ix.accounts, ix.stackHeight], [before.programIdIndex, before.accounts, before.stackHeight]);
        if (kept) assert.deepEqual(ix.data, before.data);
        else if (before.data.length > 0) blanked += ix.data.length === 0 ? 1 : 0;
      }));
    }
    assert.ok(blanked > 50, `only ${blanked} foreign inner instructions left without bytes`);
  });

  it('base64 and jsonParsed copies of the same transaction agree', () => {
    const both = readFixture('pumpfun/pumpfun-createv2-4HbY43S9.json') as Record<string, unknown>;
    const a = normalizeRpcTransaction(both.base64_transaction_response);
    const b = normalizeRpcTransaction(both.json_parsed_transaction_response);
    assert.deepEqual(b.accountKeys, a.accountKeys);
    assert.equal(b.staticKeyCount, a.staticKeyCount);
    // jsonParsed drops the bytes of parsed (system/token) instructions; program instructions keep them
    a.instructions.forEach((ix, i) => {
      if (b.instructions[i]!.data.length > 0) assert.deepEqual(b.instructions[i], ix);
    });
    assert.deepEqual(b.postTokenBalances, a.postTokenBalances);
  });

  it('v1 wire transaction (base64) parses; Yellowstone Uint8Array update equals its JSON dump', () => {
    const v1 = normalizeAnyTransaction((readFixture('raydium-launchlab/launchlab-sell-1DnjawZs.json') as { transaction: unknown }).transaction);
    assert.equal(v1.version, 1);
    assert.ok(v1.signature.startsWith('1Dnjaw'));
    const dump = readFixture('pumpfun/pumpfun-buy-22K6ixTV.json');
    const asBytes = JSON.parse(JSON.stringify(dump), (_k, v) => (Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x >= 0 && x < 256) ? Uint8Array.from(v) : v));
    asBytes.slot = String(asBytes.slot);
    assert.deepEqual(normalizeYellowstoneTransaction(asBytes, 123), { ...normalizeYellowstoneTransaction(dump, null), blockTime: 123 });
  });

  it('block entries take slot and block time from the block', () => {
    const entry = readFixture('pumpfun/pumpfun-create-3sWBncNG.json');
    const [tx] = normalizeRpcBlock({ blockTime: 1700000000, transactions: [entry] }, 42);
    assert.deepEqual([tx!.slot, tx!.blockTime, tx!.indexInBlock], [42, 1700000000, 0]);
    assert.throws(() => normalizeRpcTransaction(entry), (e: unknown) => e instanceof NormalizeError && e.reason === 'missing_slot');
  });
});

describe('broken input', () => {
  const cases: Array<[string, unknown]> = [
    ['null', null],
    ['rpc error', { jsonrpc: '2.0', error: { code: -32009, message: 'not available' } }],
    ['null result', { jsonrpc: '2.0', result: null }],
    ['no meta', { slot: 1, transaction: { signatures: ['1'], message: { accountKeys: [], instructions: [] } } }],
    ['bad base64', { slot: 1, meta: {}, transaction: ['%%%', 'base64'] }],
    ['truncated wire', { slot: 1, meta: {}, transaction: [Buffer.from([1, 2, 3]).toString('base64'), 'base64'] }],
    ['index out of range', { slot: 1, meta: { err: null }, transaction: { signatures: ['1'], message: { accountKeys: ['11111111111111111111111111111111'], instructions: [{ programIdIndex: 3, accounts: [], data: '' }] } } }],
    ['u64 as unsafe number', { slot: 1, meta: { fee: 2 ** 60 }, transaction: { signatures: ['1'], message: { accountKeys: [], instructions: [] } } }],
  ];
  for (const [name, value] of cases) {
    it(name, () => assert.throws(() => normalizeAnyTransaction(value), NormalizeError));
  }
  it('input parsing: object, array, JSONL; bad line named', () => {
    assert.equal(parseTransactionInput('{"a":1}').length, 1);
    assert.equal(parseTransactionInput('[{"a":1},{"a":2}]').length, 2);
    assert.equal(parseTransactionInput('{"a":1}\n\n{"a":2}\n').length, 2);
    assert.throws(() => parseTransactionInput('{"a":1}\n{oops'), /line 2/);
  });
});
