import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSince } from '../../../src/cli/backfill.ts';
import { replayCheckpointName } from '../../../src/cli/replay.ts';
import { RetryableError, UsageError } from '../../../src/core/errors.ts';
import { parseRawTxJson, rawTxJson } from '../../../src/core/rawtx.ts';
import { decodeTransaction, DECODER_VERSION } from '../../../src/decoders/index.ts';
import { decodeItem, itemWeight } from '../../../src/pipeline/decode.ts';
import { parseCurveAccount, parseMetaplexMetadata, parseToken2022Metadata } from '../../../src/pipeline/enrich.ts';
import { onlyProgram, programIdOf, PROGRAM_IDS } from '../../../src/pipeline/programs.ts';
import { retrying } from '../../../src/pipeline/retry.ts';
import { formatStatus } from '../../../src/pipeline/status.ts';
import { simulatedTransactions } from '../../../src/sources/simulate/index.ts';
import type { SourceItem } from '../../../src/sources/types.ts';

const sims = [...simulatedTransactions({ seed: 'unit-pipeline', count: 80, startTime: 1_750_000_000, txPerSlot: 4 })];

describe('decoder stage', () => {
  it('decodes a transaction into its events, trusted', () => {
    const sim = sims.find((s) => s.events.length > 0)!;
    const out = decodeItem({ kind: 'tx', tx: sim.tx, receivedAtMs: 1 });
    assert.equal(out.kind, 'tx');
    if (out.kind !== 'tx') return;
    assert.equal(out.quarantine, null);
    assert.deepEqual(out.events.map((e) => e.type), sim.events.map((e) => e.type));
    assert.equal(itemWeight(out), Math.max(1, sim.events.length));
  });

  it('a balance that contradicts the events flags the transaction: its events are kept, the disagreement recorded with figures', () => {
    const sim = sims.find((s) => s.events.some((e) => e.type === 'trade'))!;
    const tampered = { ...sim.tx, postTokenBalances: sim.tx.postTokenBalances.map((b) => ({ ...b, amount: b.amount + 7n })) };
    const out = decodeItem({ kind: 'tx', tx: tampered, receivedAtMs: 1 });
    assert.ok(out.kind === 'tx');
    assert.equal(out.quarantine, null, 'program events are authoritative: not quarantined');
    assert.deepEqual(out.events.map((e) => e.type), sim.events.map((e) => e.type));
    assert.ok(out.flags && out.flags.problems.length > 0 && out.flags.decoderVersion === DECODER_VERSION);
    const [p] = out.flags.problems;
    assert.equal(p!.kind, 'verification_mismatch');
    assert.equal(BigInt(p!.check!.actual) - BigInt(p!.check!.expected[0]!), 7n, p!.message);
    assert.equal(JSON.parse(out.flags.raw).signature, sim.tx.signature);
  });

  it('coverage names every invocation of a program the decoders read, and whether it produced events', () => {
    const sim = sims.find((s) => s.events.some((e) => e.type === 'trade'))!;
    const out = decodeItem({ kind: 'tx', tx: sim.tx, receivedAtMs: 1 });
    assert.ok(out.kind === 'tx' && out.coverage.length > 0);
    assert.ok(out.coverage.every((c) => c.decoded && !c.instruction.startsWith('0x')), JSON.stringify(out.coverage));
    const unknown = { ...sim.tx, instructions: sim.tx.instructions.map((ix) => ({ ...ix, data: new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9, 1]) })), innerInstructions: [] };
    const blind = decodeTransaction(unknown).coverage;
    assert.ok(blind.some((c) => c.instruction === '0x0909090909090909' && !c.decoded), JSON.stringify(blind));
  });

  it('gaps and unreadable records pass through untouched', () => {
    const gap: SourceItem = { kind: 'gap', lastSlotBefore: 1, firstSlotAfter: 5, backfilled: false, reason: 'r' };
    assert.equal(decodeItem(gap), gap);
  });

  it('quarantined raw transactions are JSON with base64 instruction data and exact amounts, and parse back to the same RawTx', () => {
    const parsed = JSON.parse(rawTxJson(sims[0]!.tx)) as { signature: string; fee: string; instructions: Array<{ data: string }> };
    assert.equal(parsed.signature, sims[0]!.tx.signature);
    assert.equal(parsed.fee, sims[0]!.tx.fee.toString());
    assert.equal(Buffer.from(parsed.instructions[0]!.data, 'base64').length, sims[0]!.tx.instructions[0]!.data.length);
    for (const sim of sims.slice(0, 20)) assert.deepEqual(parseRawTxJson(rawTxJson(sim.tx)), sim.tx);
    assert.throws(() => parseRawTxJson('{"slot":1}'), /not a stored transaction/);
  });
});

describe('program filter', () => {
  it('keeps only transactions mentioning the program, names the checkpoint, and keeps the source\'s pace', async () => {
    const items: SourceItem[] = sims.map((s) => ({ kind: 'tx', tx: s.tx, receivedAtMs: 0 }));
    const source = onlyProgram({ name: 'x', atFullSpeed: true, stream: async function* () { yield* items; } }, PROGRAM_IDS.launchlab, 'x:launchlab');
    const kept: string[] = [];
    for await (const item of source.stream({ checkpoint: null, signal: new AbortController().signal })) if (item.kind === 'tx') kept.push(item.tx.signature);
    const expected = sims.filter((s) => s.tx.accountKeys.includes(PROGRAM_IDS.launchlab)).map((s) => s.tx.signature);
    assert.ok(expected.length > 0 && expected.length < sims.length);
    assert.deepEqual(kept, expected);
    assert.equal(source.name, 'x:launchlab');
    assert.equal(source.atFullSpeed, true); // the pipeline still learns that the wrapped source is always ahead
  });

  it('program names and ids', () => {
    assert.equal(programIdOf('pumpfun'), PROGRAM_IDS.pumpfun);
    assert.equal(programIdOf(PROGRAM_IDS.launchlab), PROGRAM_IDS.launchlab);
    assert.throws(() => programIdOf('raydium'), /unknown program/);
  });
});

describe('retrying', () => {
  const signal = new AbortController().signal;
  const fast = { initialMs: 1, maxMs: 2, multiplier: 2 };

  it('retries retryable failures until success, counting each', async () => {
    let calls = 0;
    const retries: number[] = [];
    const value = await retrying('op', async () => {
      if (++calls < 4) throw new RetryableError('down');
      return 'ok';
    }, { signal, backoff: fast, onRetry: (_e, attempt) => retries.push(attempt) });
    assert.equal(value, 'ok');
    assert.deepEqual(retries, [1, 2, 3]);
  });

  it('a permanent error ends at once; so does an aborted signal', async () => {
    let calls = 0;
    await assert.rejects(retrying('op', async () => {
      calls++;
      throw new Error('constraint violated');
    }, { signal, backoff: fast }), /constraint/);
    assert.equal(calls, 1);
    const aborted = AbortSignal.abort();
    await assert.rejects(retrying('op', async () => {
      throw Object.assign(new Error('conn'), { code: 'ECONNREFUSED' });
    }, { signal: aborted, backoff: fast }), /conn/);
  });
});

describe('status line', () => {
  it('reads like the seed monitors: saved/s, lag, quarantined, reconnects, gaps', () => {
    const line = { savedPerSecond: 1234, trades: 56789, slot: 10, lagSlots: 2, commitLagMs: 87, chainLagS: 1, quarantined: 3, flagged: 0, reconnects: 1, gaps: 1, retries: 0 };
    assert.equal(formatStatus('rpc', line), '[rpc] saved 1,234/s · trades 56,789 · lag 2 slots, 87 ms arrival→commit, chain 1 s · quarantined 3 · reconnects 1 · gaps 1');
    assert.match(formatStatus('rpc', { ...line, flagged: 2 }), /quarantined 3 · flagged 2 · reconnects/);
  });
});

describe('enrichment parsers', () => {
  it('pump.fun BondingCurve: the original 49-byte layout has no creator', () => {
    const b = Buffer.alloc(49);
    Buffer.from('17b7f83760d8ac60', 'hex').copy(b);
    b.writeBigUInt64LE(18_446_744_073_709_551_615n, 40);
    assert.deepEqual({ ...parseCurveAccount(b) }, { ...parseCurveAccount(b), supply: 18_446_744_073_709_551_615n, creator: null });
  });

  it('unknown accounts and metadata are null, not guesses', () => {
    assert.equal(parseCurveAccount(Buffer.alloc(100)), null);
    assert.equal(parseMetaplexMetadata(Buffer.from([1, 2, 3])), null);
    assert.equal(parseToken2022Metadata(Buffer.alloc(170)), null);
  });

  it('Token-2022 TokenMetadata extension (type 19) after other extensions', () => {
    const str = (s: string) => Buffer.concat([Buffer.from([s.length, 0, 0, 0]), Buffer.from(s)]);
    const meta = Buffer.concat([Buffer.alloc(64), str('Name'), str('SYM'), str('ipfs://x'), Buffer.alloc(4)]);
    const tlv = (type: number, value: Buffer) => Buffer.concat([Buffer.from([type, 0, value.length & 0xff, value.length >> 8]), value]);
    const mint = Buffer.concat([Buffer.alloc(165), Buffer.from([1]), tlv(18, Buffer.alloc(64)), tlv(19, meta)]);
    assert.deepEqual(parseToken2022Metadata(mint), { name: 'Name', symbol: 'SYM', uri: 'ipfs://x' });
  });
});

describe('CLI helpers', () => {
  it('--since accepts unix seconds, ISO dates and durations back from now', () => {
    const now = Date.UTC(2026, 0, 2);
    assert.equal(parseSince('1750000000', now), 1_750_000_000);
    assert.equal(parseSince('2026-01-01T00:00:00Z', now), Date.UTC(2026, 0, 1) / 1000);
    assert.equal(parseSince('6h', now), now / 1000 - 6 * 3600);
    assert.throws(() => parseSince('yesterday', now), UsageError);
  });

  it('a replay checkpoint per set of files', () => {
    assert.notEqual(replayCheckpointName(['a.jsonl']), replayCheckpointName(['b.jsonl']));
    assert.equal(replayCheckpointName(['x/a.jsonl', 'b.jsonl']).split(':').slice(0, 2).join(':'), 'replay:a.jsonl+1');
  });
});
