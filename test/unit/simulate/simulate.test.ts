import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { decodeTransaction, needsQuarantine } from '../../../src/decoders/index.ts';
import { normalizeRpcTransaction } from '../../../src/sources/formats/index.ts';
import {
  expectedTradeKeys,
  Market,
  SimulateSource,
  simulatedTransactions,
  toRpcJson,
  tradeKeyString,
  type ExpectedEvent,
  type SimTx,
} from '../../../src/sources/simulate/index.ts';
import { constantCurveInit, launchFees } from '../../../src/sources/simulate/launchlab.ts';
import type { SourceItem } from '../../../src/sources/types.ts';

const jsonOf = (sim: SimTx): string => JSON.stringify(toRpcJson(sim.tx, sim.envelope));
const digest = (options: Parameters<typeof simulatedTransactions>[0]): string => {
  const h = createHash('sha256');
  for (const sim of simulatedTransactions(options)) h.update(jsonOf(sim)).update('\n');
  return h.digest('hex');
};

describe('simulate: determinism', () => {
  it('same seed → byte-identical RPC JSON; another seed → different', () => {
    assert.equal(digest({ seed: 11, count: 3_000 }), digest({ seed: 11, count: 3_000 }));
    assert.notEqual(digest({ seed: 11, count: 3_000 }), digest({ seed: 12, count: 3_000 }));
  });

  it('markets in one process are independent: two interleaved streams equal the stream alone', () => {
    // Fixed accounts (programs, fee recipient) are shared Key objects; balances must stay per market.
    const alone = [...simulatedTransactions({ seed: 8, count: 2_000 })].map(jsonOf);
    const first = simulatedTransactions({ seed: 8, count: 2_000 });
    const second = simulatedTransactions({ seed: 8, count: 2_000 });
    for (const expected of alone) {
      assert.equal(jsonOf(first.next().value as SimTx), expected);
      assert.equal(jsonOf(second.next().value as SimTx), expected);
    }
  });

  it('resuming from a checkpoint continues the same stream', () => {
    const all = [...simulatedTransactions({ seed: 5, count: 2_000 })];
    const cut = all[1_234]!;
    const resumed = [...simulatedTransactions({ seed: 5, count: 2_000 }, { slot: cut.tx.slot, signature: cut.tx.signature })];
    assert.deepEqual(
      resumed.map((s) => s.tx.signature),
      all.slice(1_235).map((s) => s.tx.signature),
    );
    // A checkpoint without signature skips its whole slot.
    const bySlot = [...simulatedTransactions({ seed: 5, count: 2_000 }, { slot: cut.tx.slot, signature: null })];
    assert.deepEqual(bySlot.map((s) => s.tx.signature), all.filter((s) => s.tx.slot > cut.tx.slot).map((s) => s.tx.signature));
  });

  it('ground-truth trade keys are unique and cover bundles and router CPIs', () => {
    const keys = expectedTradeKeys({ seed: 2, count: 20_000 });
    const strings = keys.map(tradeKeyString);
    assert.equal(new Set(strings).size, strings.length);
    const perSignature = new Map<string, number>();
    for (const k of keys) perSignature.set(k.signature, (perSignature.get(k.signature) ?? 0) + 1);
    assert.ok([...perSignature.values()].some((n) => n >= 3), 'a transaction with several buy instructions');
    assert.ok(keys.some((k) => k.innerIxIndex >= 0), 'a trade through a router CPI');
  });
});

describe('simulate: market shape', () => {
  const sims = [...simulatedTransactions({ seed: 9, count: 60_000 })];
  const events = sims.flatMap((s) => s.events);
  const count = (pred: (e: ExpectedEvent) => boolean): number => events.filter(pred).length;

  it('launches, trades, completions and migrations on both launchpads', () => {
    for (const program of ['pumpfun', 'launchlab'] as const) {
      assert.ok(count((e) => e.program === program && e.type === 'trade') > 1_000, `${program} trades`);
      assert.ok(count((e) => e.program === program && e.type === 'curve_completed') > 0, `${program} completions`);
      assert.ok(count((e) => e.program === program && e.type === 'migrated') > 0, `${program} migrations`);
    }
    assert.ok(count((e) => e.type === 'token_created') > 100);
    assert.ok(count((e) => e.type === 'pool_created') > 30);
    for (const ixName of ['buy', 'sell', 'buy_exact_sol_in', 'buy_exact_in', 'buy_exact_out', 'sell_exact_in', 'sell_exact_out', 'migrate', 'migrate_to_cpswap', 'migrate_to_amm', 'create', 'create_v2', 'initialize_v2']) {
      assert.ok(count((e) => 'ixName' in e && e.ixName === ixName) > 0, ixName);
    }
    assert.ok(count((e) => e.type === 'trade' && e.quoteMint.startsWith('USD1')) > 0, 'USD1-quoted trades');
    assert.ok(sims.some((s) => s.tx.err !== null), 'failed transactions');
    assert.ok(sims.some((s) => s.envelope.addressTableLookups.length > 0), 'address lookup tables');
  });

  it('several buys of one token in one slot (snipers)', () => {
    const buysPerSlotMint = new Map<string, number>();
    for (const e of events) if (e.type === 'trade' && e.side === 'buy') buysPerSlotMint.set(`${e.slot}:${e.mint}`, (buysPerSlotMint.get(`${e.slot}:${e.mint}`) ?? 0) + 1);
    assert.ok(Math.max(...buysPerSlotMint.values()) >= 5);
  });

  it('slots increase, block time follows slots per second, indexInBlock counts within a slot', () => {
    let prev = sims[0]!.tx;
    for (const { tx } of sims.slice(1)) {
      assert.ok(tx.slot >= prev.slot);
      assert.equal(tx.indexInBlock, tx.slot === prev.slot ? prev.indexInBlock! + 1 : 0);
      assert.equal(tx.blockTime, 1_780_000_000 + Math.floor((tx.slot - 380_000_000) / 2.5));
      prev = tx;
    }
  });

  it('balances: trader token delta = token amount; curve quote delta = quote amount; SOL conserved', () => {
    let checked = 0;
    let ammChecked = 0;
    for (const { tx, events: evs } of sims) {
      const trades = evs.filter((e) => e.type === 'trade');
      if (trades.length !== 1 || evs.length !== 1) continue;
      const t = trades[0]!;
      const tokenDelta = (owner: string, mint: string): bigint => {
        const sum = (list: typeof tx.preTokenBalances) => list.filter((b) => b.owner === owner && b.mint === mint).reduce((a, b) => a + b.amount, 0n);
        return sum(tx.postTokenBalances) - sum(tx.preTokenBalances);
      };
      const sign = t.side === 'buy' ? 1n : -1n;
      assert.equal(tokenDelta(t.user, t.mint), sign * t.tokenAmount);
      if (t.venue === 'pumpswap') {
        // The pool's vaults: the token leg exactly, the quote leg with the LP fee that stays in the pool.
        assert.equal(tokenDelta(t.pool, t.mint), -sign * t.tokenAmount);
        assert.equal(tokenDelta(t.pool, t.quoteMint), t.side === 'buy' ? t.solAmount + t.platformFee : -(t.solAmount - t.platformFee));
        ammChecked++;
      } else if (t.program === 'pumpfun') {
        const i = tx.accountKeys.indexOf(t.pool);
        assert.equal(tx.postBalances[i]! - tx.preBalances[i]!, sign * t.solAmount);
      } else {
        // Fees stay with the pool's vault authority (quote vault, creator fee vault): together they move by
        // the gross amount the trader paid or received.
        const vaultDelta = tokenDelta('WLHv2UAZm6z4KyaaELi5pjdbJh6RESMva1Rnn8pJVVh', t.quoteMint);
        assert.equal(vaultDelta, t.side === 'buy' ? t.solAmount + t.fee : -(t.solAmount - t.fee));
      }
      // Lamports are only created/destroyed by the fee (burnt/paid to the leader).
      const pre = tx.preBalances.reduce((a, b) => a + b, 0n);
      const post = tx.postBalances.reduce((a, b) => a + b, 0n);
      assert.equal(pre - post, tx.fee);
      checked++;
    }
    assert.ok(checked > 10_000);
    assert.ok(ammChecked > 100, `${ammChecked} PumpSwap trades after graduation`);
  });

  it('curves follow their math: pump.fun k grows only by rounding, LaunchLab x·y=k holds', () => {
    for (const e of events) {
      if (e.type !== 'trade') continue;
      if (e.venue === 'pumpswap') {
        // x·y only grows on a constant-product pool (rounding and the LP fee stay in it).
        assert.ok(e.realSolReserves! > 0n && e.realTokenReserves! > 0n);
      } else if (e.program === 'pumpfun') {
        // virtual - real token offset is constant for the curve's lifetime (spec §2.6).
        assert.equal(e.virtualTokenReserves - e.realTokenReserves!, 279_900_000_000_000n);
        assert.equal(e.virtualSolReserves - e.realSolReserves!, 30_000_000_000n);
      } else {
        assert.ok(e.realTokenReserves! >= 0n && e.realTokenReserves! <= 793_100_000_000_000n);
      }
      assert.ok(e.fee === e.protocolFee + e.creatorFee + e.platformFee);
    }
  });

  it('LaunchLab constants and fee split match the spec worked examples', () => {
    assert.deepEqual(constantCurveInit(1_000_000_000_000_000n, 793_100_000_000_000n, 85_000_000_000n), {
      virtualBase: 1_073_025_605_596_382n,
      virtualQuote: 30_000_852_951n,
    });
    const fees = launchFees(1_468_700n, { share: 0n, creator: 500n });
    assert.deepEqual([fees.total, fees.platform, fees.creator, fees.protocol], [19_094n, 14_687n, 734n, 3_673n]);
  });
});

describe('simulate: round trip through the RPC format, normalizer and decoders', () => {
  it('toRpcJson → normalizeRpcTransaction gives back the RawTx; decoding gives the ground truth', () => {
    let trades = 0;
    let createAndComplete = 0;
    let completeAndMigrate = 0;
    for (const sim of simulatedTransactions({ seed: 21, count: 15_000 })) {
      const wire = JSON.parse(jsonOf(sim)) as unknown;
      const raw = normalizeRpcTransaction(wire);
      assert.deepEqual(raw, sim.tx);
      const decoded = decodeTransaction(raw);
      assert.equal(needsQuarantine(decoded), false, JSON.stringify(decoded.problems));
      // Nor any disagreement of the balance self-check (flags): the simulator's balances are the chain's.
      assert.deepEqual(decoded.problems.filter((p) => p.severity === 'flag'), [], sim.tx.signature);
      const types = new Set(sim.events.map((e) => e.type));
      if (types.has('token_created') && types.has('curve_completed')) createAndComplete++;
      if (types.has('curve_completed') && types.has('migrated')) completeAndMigrate++;
      assert.equal(decoded.events.length, sim.events.length, sim.tx.signature);
      for (const expected of sim.events) {
        const got = decoded.events.find((e) => e.type === expected.type && e.ixIndex === expected.ixIndex && e.innerIxIndex === expected.innerIxIndex);
        assert.ok(got, `${expected.type} at ${expected.ixIndex}/${expected.innerIxIndex} in ${sim.tx.signature}`);
        for (const [field, value] of Object.entries(expected)) {
          if (!isDeepStrictEqual((got as unknown as Record<string, unknown>)[field], value)) assert.fail(`${expected.type}.${field}: got ${String((got as unknown as Record<string, unknown>)[field])}, expected ${String(value)}`);
        }
        if (expected.type === 'trade') trades++;
      }
    }
    assert.ok(trades > 10_000);
    assert.ok(createAndComplete > 0, 'a create whose dev buy completes the curve in the same transaction');
    assert.ok(completeAndMigrate > 0, 'a buy that completes the curve and its migrate in one transaction');
  });

  it('RPC JSON has the getTransaction shape: both event channels, invoke/success pairs, uiTokenAmount', () => {
    const sim = [...simulatedTransactions({ seed: 4, count: 500 })].find((s) => s.events.some((e) => e.type === 'trade' && e.program === 'pumpfun'))!;
    const json = toRpcJson(sim.tx, sim.envelope);
    assert.equal(json.version, 0);
    assert.equal(json.transaction.signatures.length, json.transaction.message.header.numRequiredSignatures);
    const logs = json.meta.logMessages!;
    const depth: string[] = [];
    for (const line of logs) {
      const invoke = /^Program (\S+) invoke \[(\d+)\]$/.exec(line);
      if (invoke) {
        depth.push(invoke[1]!);
        assert.equal(Number(invoke[2]), depth.length);
      } else if (/^Program (\S+) success$/.test(line)) assert.equal(depth.pop(), line.split(' ')[1]);
    }
    assert.equal(depth.length, 0);
    assert.ok(logs.some((l) => l.startsWith('Program data: vdt/007mYe')), 'TradeEvent log line');
    const cpi = json.meta.innerInstructions.flatMap((i) => i.instructions).filter((i) => json.transaction.message.accountKeys[i.programIdIndex] === '6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P');
    assert.ok(cpi.length > 0);
    const balance = json.meta.postTokenBalances[0]!;
    assert.equal(typeof balance.uiTokenAmount.amount, 'string');
    assert.equal(balance.uiTokenAmount.uiAmountString, (Number(balance.uiTokenAmount.amount) / 10 ** balance.uiTokenAmount.decimals).toString());
  });
});

describe('simulate: source', () => {
  it('yields tx items, resumes from a checkpoint, stops on abort', async () => {
    const source = new SimulateSource({ seed: 3, count: 300 });
    const items: SourceItem[] = [];
    for await (const item of source.stream({ checkpoint: null, signal: new AbortController().signal })) items.push(item);
    assert.equal(items.length, 300);
    const txs = items.map((i) => (i.kind === 'tx' ? i.tx : assert.fail('tx only')));
    const resumed: string[] = [];
    for await (const item of source.stream({ checkpoint: { slot: txs[99]!.slot, signature: txs[99]!.signature }, signal: new AbortController().signal })) {
      if (item.kind === 'tx') resumed.push(item.tx.signature);
    }
    assert.deepEqual(resumed, txs.slice(100).map((t) => t.signature));
    const abort = new AbortController();
    let n = 0;
    for await (const _ of new SimulateSource({ seed: 3 }).stream({ checkpoint: null, signal: abort.signal })) if (++n === 50) abort.abort();
    assert.equal(n, 50);
  });

  it('paces to the requested rate', async () => {
    const started = Date.now();
    let n = 0;
    for await (const _ of new SimulateSource({ seed: 3, count: 200, rate: 1_000 }).stream({ checkpoint: null, signal: new AbortController().signal })) n++;
    const elapsed = Date.now() - started;
    assert.equal(n, 200);
    assert.ok(elapsed >= 180 && elapsed < 1_500, `200 tx at 1000/s took ${elapsed} ms`);
  });
});

it('Market memory stays bounded: retired tokens are forgotten', () => {
  const market = new Market({ seed: 1 });
  for (let i = 0; i < 50_000; i++) market.next();
  const size = (market as unknown as { ledger: { size: number } }).ledger.size;
  for (let i = 0; i < 100_000; i++) market.next();
  const later = (market as unknown as { ledger: { size: number } }).ledger.size;
  assert.ok(later < size * 1.6, `ledger grew from ${size} to ${later}`);
});
