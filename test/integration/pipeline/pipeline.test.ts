import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawTxJson, type RawInstruction } from '../../../src/core/rawtx.ts';
import { listFlags, readCoverage } from '../../../src/db/flags.ts';
import { quarantine } from '../../../src/db/quarantine.ts';
import { DECODER_VERSION } from '../../../src/decoders/index.ts';
import { checkConsistency } from '../../../src/ops/check.ts';
import type { CommittedBatch } from '../../../src/pipeline/commit.ts';
import { redecodeStored } from '../../../src/pipeline/redecode.ts';
import type { AfterCommitHook, HookBatch } from '../../../src/pipeline/hooks.ts';
import { runPipeline } from '../../../src/pipeline/pipeline.ts';
import { expectedTradeKeySet, SimulateSource, simulatedTransactions, type SimulateOptions } from '../../../src/sources/simulate/index.ts';
import type { SourceItem, SourceStartOptions, TransactionSource } from '../../../src/sources/types.ts';
import { forEachDbTarget, openTestDb } from '../../helpers/db.ts';
import { assertExactlyOnce, storedTradeKeys } from './keys.ts';

const SIM: SimulateOptions = { seed: 'pipeline-it', count: 1500, startTime: 1_750_000_000 };

/** A source that yields what it is given, then ends. */
function listSource(name: string, items: SourceItem[]): TransactionSource {
  return {
    name,
    async *stream(_opts: SourceStartOptions) {
      yield* items;
    },
  };
}

forEachDbTarget((target) => {
  test('simulate → pipeline: every trade stored exactly once; a second run resumes from the checkpoint and adds nothing', async () => {
    const db = await openTestDb(target);
    try {
      const signal = new AbortController().signal;
      const first = await runPipeline({ source: new SimulateSource(SIM), db, maxBatchRows: 400, maxBatchWaitMs: 50, signal });
      const truth = expectedTradeKeySet(SIM);
      assertExactlyOnce(await storedTradeKeys(db), truth);
      assert.equal(first.tradesStored, truth.size);
      assert.equal(first.txs, 1500);
      const cp = await db.query<{ slot: string; signature: string }>(`SELECT slot::text, signature FROM checkpoints WHERE source = 'simulate'`);
      const lastTx = [...simulatedTransactions(SIM)].at(-1)!.tx;
      assert.deepEqual(cp.rows[0], { slot: String(lastTx.slot), signature: lastTx.signature });

      const second = await runPipeline({ source: new SimulateSource(SIM), db, maxBatchRows: 400, maxBatchWaitMs: 50, signal });
      assert.equal(second.txs, 0, 'the resumed simulator must start after the checkpoint');
      // The same stream replayed from scratch under another checkpoint name: duplicates are skipped by key.
      const replayed = await runPipeline({ source: new SimulateSource(SIM), db, checkpointName: 'again', maxBatchRows: 400, maxBatchWaitMs: 50, signal });
      assert.equal(replayed.tradesStored, 0);
      assertExactlyOnce(await storedTradeKeys(db), truth);
      const balances = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM holder_balances');
      assert.ok(Number(balances.rows[0]!.n) > 0, 'holder balances are written with the batch');
    } finally {
      await db.close();
    }
  });

  test('trust policy: a self-check disagreement is stored and flagged, undecodable input quarantined; retry re-decodes both kinds', async () => {
    const db = await openTestDb(target);
    try {
      const sims = [...simulatedTransactions({ ...SIM, count: 60 })];
      const withTrade = sims.filter((s) => s.events.some((e) => e.type === 'trade') && s.tx.postTokenBalances.length > 0);
      const [tampered, corrupt, rejectedEarlier] = [withTrade[0]!, withTrade[1]!, withTrade[2]!];
      const items: SourceItem[] = sims.filter((s) => s !== rejectedEarlier).map((s) => ({ kind: 'tx', tx: s.tx, receivedAtMs: Date.now() }));
      const at = (sig: string) => items.findIndex((x) => x.kind === 'tx' && x.tx.signature === sig);
      const tamperedTx = { ...tampered.tx, postTokenBalances: tampered.tx.postTokenBalances.map((b) => ({ ...b, amount: b.amount + 1n })) };
      items[at(tampered.tx.signature)] = { kind: 'tx', receivedAtMs: Date.now(), tx: tamperedTx };
      // An event cut short: cannot be decoded at all.
      const cut = (ix: RawInstruction): RawInstruction => (ix.data.length > 40 && ix.data[0] === 0xe4 ? { ...ix, data: ix.data.subarray(0, 30) } : ix);
      const corruptTx = { ...corrupt.tx, innerInstructions: corrupt.tx.innerInstructions.map((g) => ({ ...g, instructions: g.instructions.map(cut) })) };
      items[at(corrupt.tx.signature)] = { kind: 'tx', receivedAtMs: Date.now(), tx: corruptTx };
      items.splice(10, 0, { kind: 'invalid', raw: '{"not":"a transaction"}', reason: 'bad_shape: no signatures', receivedAtMs: Date.now() });
      const stats = await runPipeline({ source: listSource('list', items), db, maxBatchRows: 50, maxBatchWaitMs: 20, signal: new AbortController().signal });
      assert.equal(stats.quarantined, 2);
      assert.equal(stats.flagged, 1);
      const q = await db.query<{ kind: string; signature: string | null; reason: string; raw: string; decoder_version: string | null }>('SELECT kind, signature, reason, raw, decoder_version FROM quarantine ORDER BY id');
      const bySig = q.rows.find((r) => r.signature === corrupt.tx.signature);
      assert.ok(bySig && /malformed_event/.test(bySig.reason) && bySig.decoder_version === DECODER_VERSION, JSON.stringify(q.rows.map((r) => r.reason)));
      assert.ok(JSON.parse(bySig.raw).signature === corrupt.tx.signature, 'the raw transaction is kept as JSON');
      assert.ok(q.rows.some((r) => r.signature === null && r.reason === 'bad_shape: no signatures' && r.raw === '{"not":"a transaction"}'));
      // The flagged transaction's events are stored (the program's events are authoritative), its disagreement recorded.
      const truth = new Set<string>();
      for (const s of sims) if (s !== corrupt && s !== rejectedEarlier) for (const e of s.events) if (e.type === 'trade') truth.add(`${e.signature}:${e.ixIndex}:${e.innerIxIndex}`);
      assertExactlyOnce(await storedTradeKeys(db), truth);
      const flags = await listFlags(db);
      assert.deepEqual(flags.map((f) => [f.signature, f.kind, f.decoderVersion]), [[tampered.tx.signature, 'verification_mismatch', DECODER_VERSION]]);
      assert.ok(flags[0]!.problems[0]!.check && JSON.parse(flags[0]!.raw).signature === tampered.tx.signature);
      const report = await checkConsistency(db, { candlesSince: new Date(0) });
      const flagCheck = report.checks.find((c) => c.name === 'self-check disagreements')!;
      assert.equal(flagCheck.violations, 1);
      assert.match(flagCheck.examples[0]!, new RegExp(tampered.tx.signature));
      assert.equal(report.ok, false);
      const coverage = await readCoverage(db);
      assert.ok(coverage.some((c) => c.instruction === 'buy' && c.decoded > 0), JSON.stringify(coverage));

      // The same input again (a replayed file): every quarantined record is already there, none is added.
      await runPipeline({ source: listSource('list', items), db, maxBatchRows: 50, maxBatchWaitMs: 20, signal: new AbortController().signal });
      const again = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM quarantine');
      assert.equal(again.rows[0]!.n, '2', 'quarantine is idempotent');
      assert.equal((await listFlags(db)).length, 1, 'one flag row per transaction');

      // An older decoder quarantined a transaction today's decodes: retry stores it (once) and releases it.
      await quarantine(db, { kind: 'transaction', reason: 'verification_mismatch: old decoder', raw: rawTxJson(rejectedEarlier.tx), signature: rejectedEarlier.tx.signature, slot: rejectedEarlier.tx.slot, source: 'list' });
      const retry = await redecodeStored(db, { reason: 'mismatch' });
      assert.deepEqual([retry.examined, retry.stored, retry.failing], [1, 1, 0], JSON.stringify(retry));
      for (const e of rejectedEarlier.events) if (e.type === 'trade') truth.add(`${e.signature}:${e.ixIndex}:${e.innerIxIndex}`);
      assertExactlyOnce(await storedTradeKeys(db), truth);
      const all = await redecodeStored(db, {});
      assert.deepEqual([all.examined, all.stored, all.failing], [2, 0, 2], 'the corrupt and the unreadable stay, with their reasons');
      assert.ok(all.outcomes.some((o) => o.signature === corrupt.tx.signature && /malformed_event/.test(o.reason ?? '')));
      assert.equal((await redecodeStored(db, { since: new Date(Date.now() + 60_000) })).examined, 0, '--since filters');
      // Flagged: still disagreeing → stays flagged; once the stored transaction agrees (a decoder fix), the flag clears.
      assert.deepEqual([(await redecodeStored(db, { flagged: true })).flagged], [1]);
      await db.query('UPDATE decode_flags SET raw = $1 WHERE signature = $2', [rawTxJson(tampered.tx), tampered.tx.signature]);
      const cleared = await redecodeStored(db, { flagged: true });
      assert.deepEqual([cleared.stored, cleared.flagged], [1, 0]);
      assert.equal((await listFlags(db)).length, 0);
      assertExactlyOnce(await storedTradeKeys(db), truth);
      const checkpoints = await db.query<{ source: string }>('SELECT source FROM checkpoints ORDER BY source');
      assert.deepEqual(checkpoints.rows.map((r) => r.source), ['list'], 'a re-decode moves no checkpoint');
    } finally {
      await db.close();
    }
  });

  test('after-commit hooks: every committed batch once, in commit order, in the background; a slow hook gets the backlog in one call, bounded', async () => {
    const db = await openTestDb(target);
    try {
      const perBatch: CommittedBatch[] = [];
      const rounds: CommittedBatch[][] = [];
      const slowMany: AfterCommitHook = {
        name: 'slow',
        run: () => Promise.reject(new Error('runMany is preferred')),
        runMany: async (batches) => {
          rounds.push([...batches]);
          await new Promise((r) => setTimeout(r, 40));
        },
      };
      const ordinary: AfterCommitHook = { name: 'ordinary', run: async (b) => void perBatch.push(b) };
      const stats = await runPipeline({
        source: new SimulateSource({ ...SIM, count: 400 }), db, maxBatchRows: 40, maxBatchWaitMs: 20,
        signal: new AbortController().signal, hooks: [slowMany, ordinary],
      });
      // All delivered before runPipeline resolves, each batch once, in commit order.
      assert.equal(perBatch.length, stats.batches);
      assert.deepEqual(rounds.flat(), perBatch);
      assert.equal(perBatch.reduce((n, b) => n + b.txs, 0), 400);
      for (let i = 1; i < perBatch.length; i++) assert.ok(perBatch[i]!.committedAtMs >= perBatch[i - 1]!.committedAtMs);
      // The slow hook fell behind: batches were coalesced, never more than the backlog bound per call.
      assert.ok(rounds.length < stats.batches, `${rounds.length} rounds for ${stats.batches} batches`);
      assert.ok(rounds.every((r) => r.length >= 1 && r.length <= 4), JSON.stringify(rounds.map((r) => r.length)));
    } finally {
      await db.close();
    }
  });

  test('hooks learn whether the source was ahead: an unpaced source always, a paced one only for a batch closed at its size limit', async () => {
    const db = await openTestDb(target);
    try {
      const seen = async (seed: string, sim: SimulateOptions, maxBatchRows: number): Promise<HookBatch[]> => {
        const batches: HookBatch[] = [];
        await runPipeline({
          source: new SimulateSource({ ...SIM, ...sim, seed }), db, maxBatchRows, maxBatchWaitMs: 20, checkpointName: seed,
          signal: new AbortController().signal, hooks: [{ name: 'seen', run: async (b) => void batches.push(b) }],
        });
        return batches;
      };
      const unpaced = await seen('ahead-unpaced', { count: 200 }, 10_000);
      assert.ok(unpaced.length > 0 && unpaced.every((b) => b.sourceAhead));
      // 400 tx/s against a 20 ms window: about 8 tx per batch, far below 10,000 rows; 6 rows fill one.
      const paced = await seen('ahead-paced', { count: 60, rate: 400 }, 10_000);
      assert.ok(paced.length > 1 && paced.every((b) => !b.sourceAhead), JSON.stringify(paced.map((b) => b.txs)));
      const full = await seen('ahead-full', { count: 60, rate: 400 }, 6);
      assert.ok(full.some((b) => b.sourceAhead), JSON.stringify(full.map((b) => b.txs)));
    } finally {
      await db.close();
    }
  });
});
