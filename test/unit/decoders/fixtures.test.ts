/**
 * Every real transaction in ../shared/fixtures decodes without a quarantine problem, balances verify, and
 * the values the fixtures' source tests assert (SOURCES.md) come out. Also: the logs-only channel gives the
 * same events under the same keys, failed transactions yield nothing, and a tampered balance is caught.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LaunchpadEvent, TradeEvent } from '../../../src/core/events.ts';
import type { RawTx } from '../../../src/core/rawtx.ts';
import { decodeTransaction } from '../../../src/decoders/index.ts';
import { normalizeAnyTransaction } from '../../../src/sources/formats/index.ts';
import { fixturesMissing, loadFullTransactions, readFixture } from '../formats/fixtures.ts';

const txOf = (rel: string): RawTx => {
  const value = readFixture(rel);
  return normalizeAnyTransaction(Array.isArray(value) ? value[0] : value, { slot: 0 });
};
const trades = (events: LaunchpadEvent[]) => events.filter((e): e is TradeEvent => e.type === 'trade');

describe('shared fixtures', { skip: fixturesMissing }, () => {
  it('every full transaction decodes to events with no quarantine problem', () => {
    for (const f of loadFullTransactions()) {
      const r = decodeTransaction(normalizeAnyTransaction(f.value, { slot: 0 }));
      assert.ok(r.events.length > 0, `${f.name}: no events`);
      assert.deepEqual(r.problems.filter((p) => p.severity === 'quarantine'), [], f.name);
    }
  });

  it('pump.fun values asserted by the sources (0xjeffro, solana-streamer)', () => {
    const [a] = trades(decodeTransaction(txOf('pumpfun/pumpfun-buy-4U8kypMu.json')).events);
    assert.deepEqual([a!.user, a!.mint, a!.tokenAmount, a!.solAmount, a!.fee], ['EfbbhahGNuhqEraRZXrwETfsaKxScngEttdQixWAW4WE', 'D66sbPtYqLnwPYcUqjDktrQtb52CnfF77C3sdpNpR8Si', 56716561396327n, 3000000000n, 30000000n]);
    const bundle = trades(decodeTransaction(txOf('pumpfun/pumpfun-buy-JBnrBbgq.json')).events);
    assert.deepEqual(bundle.slice(0, 3).map((t) => [t.user, t.tokenAmount, t.solAmount, t.fee]), [
      ['Gh6D6DZcASQLc2XoLpctT74KbRr4nrHF8wNptweckHoA', 12373970345963n, 386100226n, 3861002n],
      ['7SPkzf8DSxdemSKMEEKquRKEYrdDjcuHaQwac5nvnB4b', 12100159018198n, 386820768n, 3868207n],
      ['GdCFP1doq784rQTHJDuvpLchVWoMtJwdAM8MQTCHWTuz', 12023935360031n, 393794276n, 3937942n],
    ]);
    assert.equal(new Set(bundle.map((t) => `${t.ixIndex}/${t.innerIxIndex}`)).size, 4, 'four trades, four keys');
    const [photon] = trades(decodeTransaction(txOf('pumpfun/pumpfun-buy-628Q5CDN.json')).events);
    assert.deepEqual([photon!.user, photon!.solAmount, photon!.tokenAmount, photon!.protocolFee], ['DfMxre4cKmvogbLrPigxmibVTTQDuzjdXojWzjCXXhzj', 392079207n, 5609742876530n, 3920792n]);
    assert.ok(photon!.innerIxIndex >= 0, 'router CPI → inner index');
    const [sell] = trades(decodeTransaction(txOf('pumpfun/pumpfun-sell-3bYXWjjN.json')).events);
    assert.deepEqual([sell!.side, sell!.tokenAmount, sell!.solAmount, sell!.mint], ['sell', 592443959000000n, 37437283903n, 'CnNVDyM7GXBBcH8giuRYm17YCn6kpFTTbnd6Tx4hpump']);
    const [direct] = trades(decodeTransaction(txOf('pumpfun/pumpfun-buy-2ghHZXwy.json')).events);
    assert.deepEqual(
      [direct!.pool, direct!.protocolFee, direct!.creatorFee, direct!.virtualSolReserves, direct!.virtualTokenReserves, direct!.realSolReserves, direct!.realTokenReserves],
      ['9A5TEByiBsj1RXZfe6cDr3tLn89vXtrZ11QsFWf13Njm', 1233238n, 64908n, 38165815301n, 843424927552285n, 8165815301n, 563524927552285n],
    );
    const [cpi] = trades(decodeTransaction(txOf('pumpfun/pumpfun-buy-3QLV6eN1.json')).events);
    assert.deepEqual([cpi!.pool, cpi!.solAmount, cpi!.tokenAmount, cpi!.protocolFee, cpi!.creatorFee], ['5YRpiJSMQwnG3Jpq1byRGedtXgrKQx2dJnsR1ZcDz3pH', 98019n, 1864792795n, 932n, 50n]);
  });

  it('pump.fun create, complete and migrate', () => {
    const created = decodeTransaction(txOf('pumpfun/pumpfun-create-2s393PSY.json')).events.find((e) => e.type === 'token_created');
    assert.ok(created?.type === 'token_created');
    assert.deepEqual([created.name, created.symbol, created.mint, created.bondingCurve, created.user, created.uri], ['MOO DOG', 'MOODOG', '5dNYcCZXEGfGgbdUdq7MMR7KLsNJLLLgL83wLH8Fpump', 'CQrqvWERJtEjw2rCCQV6EqfM6V6jzTuKjhJjKNFmGB7r', '6xo262KbDXepWbF3vPTrFXysr5vJwk3mozBXmXk3hmMx', 'https://ipfs.io/ipfs/QmbeFeWTrm1u1ev5VreMoqNK4aVuxtBXKpMdTrjdnHj7P3']);
    const v2 = decodeTransaction(txOf('pumpfun/pumpfun-createv2-2G2YFBmJ.json')).events.find((e) => e.type === 'token_created');
    assert.ok(v2?.type === 'token_created');
    assert.deepEqual([v2.name, v2.symbol, v2.mint, v2.bondingCurve, v2.creator, v2.ixName], ['Christmas Runner', 'Santa', '4wGfgnszUdCJeHvhWPAH9mRZYpxLm39VZkZ7Sjdcpump', 'Am5KwCVB6UptjcASigKHqCcwoExnbZUY3Q5bkGHVsfuU', '7tTfCnQhxGB258ksEodtVsoZWBg2h6DzzyuS61NqK5t7', 'create_v2']);
    const complete = decodeTransaction(txOf('pumpfun/pumpfun-complete-fnG6AdqJ.json')).events;
    const [last] = trades(complete);
    assert.equal(last!.realTokenReserves, 0n);
    assert.equal(last!.completesCurve, true);
    assert.equal(last!.progressPct, '100');
    const done = complete.find((e) => e.type === 'curve_completed');
    assert.ok(done?.type === 'curve_completed');
    assert.deepEqual([done.mint, done.user], [last!.mint, last!.user]);
    // Its PumpSwap create_pool CPI (amm_pool_created) is asserted in pumpswap.test.ts.
    const [migrated, ...rest] = decodeTransaction(txOf('pumpfun/pumpfun-migrate-3gsRn6ZL.json')).events.filter((e) => e.type !== 'amm_pool_created');
    assert.equal(rest.length, 0, 'exactly one migration');
    assert.ok(migrated?.type === 'migrated');
    assert.deepEqual(
      [migrated.mint, migrated.baseAmount, migrated.quoteAmount, migrated.pool, migrated.newPool, migrated.target],
      ['BB5DMEmCSC2nH2nJNdcsxKPQcU6UWHDQF2mDKiJkh5xp', 206900000000000n, 84990359056n, 'GNtLotVdQqyRB72Qwk7UfpsyzywU9pw5zv4Saq5JRjQ3', 'heUt5ff16SBzPC8R6rfce9RFTyP6VSvwJkHGQZbfSa5', 'pumpswap'],
    );
  });

  it('LaunchLab: router CPI sell (1DnjawZs expected leg) and the 2025 L1 buy', () => {
    const [sell] = trades(decodeTransaction(txOf('raydium-launchlab/launchlab-sell-1DnjawZs.json')).events);
    assert.deepEqual([sell!.ixIndex, sell!.innerIxIndex, sell!.pool, sell!.user, sell!.mint, sell!.quoteMint, sell!.side], [1, 0, 'HcB1nwuqh1csZRJaHPJbpByJ8v5CQcbfi2uVbZcXP5Kx', 'HjZDoz5NbpZd94ZqqrqdpnVUaNPshUCqHVtaAoShYevW', 'KUCxmmJJYmnzTbKWiXhauwxoa81Z38tC7FJtqti6Bhz', 'pSo1f9nQXWgXibFtKf7NWYxb5enAM4qfP6UJSiXRQfL', 'sell']);
    // the seller receives amount_out = 910038594; sol_amount adds the fees that left the curve too
    assert.equal(sell!.solAmount - sell!.fee, 910038594n);
    assert.equal(sell!.tokenAmount, 16853904100388n);
    const [l1] = trades(decodeTransaction(txOf('raydium-launchlab/launchlab-buy-8QTg427x.json')).events).filter((t) => t.venue === 'curve');
    assert.equal(l1!.creatorFee, 0n);
    assert.equal(l1!.trailingBytes, 0);
    const init = decodeTransaction(txOf('raydium-launchlab/launchlab-initialize-5LzhiGZB.json')).events.find((e) => e.type === 'pool_created');
    assert.ok(init?.type === 'pool_created');
    assert.equal(init.migrateType, 'amm');
    assert.equal(init.platformConfig, 'FfYek5vEz23cMkWsdJwG2oa6EphsvXSHrGpdALN4g6W1');
  });

  it('LaunchLab log lines with expected values (partial fixture) decode through the logs channel', () => {
    const file = readFixture('raydium-launchlab/partial/launchlab-tradeevents-57Hm1nrs-47oHjGSq.json') as Record<string, { line: string; pool: string; expect: { isBuy: boolean; amountIn: number; amountOut: number } }>;
    for (const side of ['buy', 'sell'] as const) {
      const { line, pool, expect } = file[side]!;
      const raw = Buffer.from(line.replace(/^Program data: /, ''), 'base64');
      const events = decodeTransaction(logsOnlyTx([`Program LanMV9sAd7wArD4vJFi2qDdfnVhFxYSUg6eADduJ3uj invoke [1]`, `Program data: ${raw.toString('base64')}`, 'Program LanMV9sAd7wArD4vJFi2qDdfnVhFxYSUg6eADduJ3uj success'], pool));
      const [t] = trades(events.events);
      assert.equal(t!.side, expect.isBuy ? 'buy' : 'sell');
      assert.equal(t!.pool, pool);
    }
  });

  it('logs-only channel yields the same top-level events under the same keys', () => {
    for (const f of loadFullTransactions()) {
      const tx = normalizeAnyTransaction(f.value, { slot: 0 });
      if (!tx.logMessages?.some((l) => l.startsWith('Program data:'))) continue;
      const viaCpi = decodeTransaction(tx).events.filter((e) => e.innerIxIndex === -1);
      const viaLogs = decodeTransaction({ ...tx, innerInstructions: [] }).events.filter((e) => e.innerIxIndex === -1);
      const key = (e: LaunchpadEvent) => `${e.type}:${e.ixIndex}:${e.innerIxIndex}:${'mint' in e ? e.mint : ''}`;
      // logs truncated at 10 KB may lose events, never invent them
      for (const e of viaLogs) assert.ok(viaCpi.some((c) => key(c) === key(e)), `${f.name}: ${key(e)}`);
      if (!tx.logMessages.includes('Log truncated')) assert.equal(viaLogs.length, viaCpi.filter((e) => e.type !== 'curve_completed' || e.program === 'pumpfun').length, f.name);
    }
  });

  it('create + buy on a pre-funded curve PDA: Anchor init tops the lamports up to rent, the self-check accepts it', () => {
    // The mainnet create_v2 + curve-completing buy of issue 11 had 575,320 lamports on its curve before the create,
    // so init transferred rent − 575,320 (1,366,520): neither a whole rent deposit nor zero. Same accounting here.
    const tx = txOf('pumpfun/pumpfun-createv2-2G2YFBmJ.json');
    const curve = tx.accountKeys.indexOf('Am5KwCVB6UptjcASigKHqCcwoExnbZUY3Q5bkGHVsfuU');
    assert.equal(tx.preBalances[curve], 0n);
    const prefunded = { ...tx, preBalances: tx.preBalances.map((b, i) => (i === curve ? 575_320n : b)) };
    const r = decodeTransaction(prefunded);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.events.map((e) => e.type), ['token_created', 'trade']);
    // What the curve holds after it, less the trade, must be a whole rent-exempt balance: one lamport more is a disagreement.
    const off = decodeTransaction({ ...prefunded, postBalances: tx.postBalances.map((b, i) => (i === curve ? b + 1n : b)) });
    assert.deepEqual(off.problems.map((p) => `${p.kind}/${p.severity}`), ['verification_mismatch/flag']);
  });

  it('failed transactions yield nothing; a tampered balance is reported with both figures', () => {
    const tx = txOf('pumpfun/pumpfun-buy-4U8kypMu.json');
    assert.deepEqual(decodeTransaction({ ...tx, err: { InstructionError: [2, 'Custom'] } }), { events: [], problems: [], coverage: [] });
    const post = tx.postTokenBalances.map((b) => (b.owner === 'EfbbhahGNuhqEraRZXrwETfsaKxScngEttdQixWAW4WE' ? { ...b, amount: b.amount + 1n } : b));
    const r = decodeTransaction({ ...tx, postTokenBalances: post });
    const mismatch = r.problems.find((p) => p.kind === 'verification_mismatch');
    assert.ok(mismatch, 'mismatch reported');
    assert.equal(mismatch.severity, 'flag', 'the program event stands; the disagreement is flagged');
    assert.equal(r.events.filter((e) => e.type === 'trade').length, 1);
    assert.match(mismatch.message, /56716561396328.*56716561396327/);
    assert.deepEqual([mismatch.check?.actual, mismatch.check?.expected], ['56716561396328', ['56716561396327']]);
  });
});

function logsOnlyTx(logs: string[], pool: string): RawTx {
  // A logs-only top-level LaunchLab buy with the accounts the trade instruction names (pool at 4, mints 9/10).
  const keys = ['User1111111111111111111111111111111111111111', pool, 'Mint111111111111111111111111111111111111111', 'So11111111111111111111111111111111111111112', 'LanMV9sAd7wArD4vJFi2qDdfnVhFxYSUg6eADduJ3uj'];
  return {
    signature: 'sig', slot: 1, blockTime: null, indexInBlock: null, accountKeys: keys, staticKeyCount: keys.length, version: 'legacy',
    instructions: [{ programIdIndex: 4, accounts: [0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 3], data: Uint8Array.from(Buffer.from('faea0d7bd59c13ec', 'hex')), stackHeight: 1 }],
    innerInstructions: [], logMessages: logs, err: null, fee: 0n, preBalances: [], postBalances: [], preTokenBalances: [], postTokenBalances: [],
  };
}
