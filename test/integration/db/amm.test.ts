import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCandles } from '../../../src/analytics/candles/check.ts';
import { getCandles } from '../../../src/analytics/candles/query.ts';
import { refreshCandles } from '../../../src/analytics/candles/refresh.ts';
import type { AmmPoolCreatedEvent, AmmVenue, LaunchpadEvent, LiquidityEvent, Platform, TradeEvent } from '../../../src/core/events.ts';
import { EventWriter } from '../../../src/db/writer.ts';
import { checkConsistency } from '../../../src/ops/check.ts';
import { forEachDbTarget, openTestDb } from '../../helpers/db.ts';
import { key, migrated, signature, SOL_MINT, tokenCreated, trade } from './fixtures.ts';

/**
 * A token's life through graduation, as the decoders report it: curve trades, completion, migration with
 * the AMM's pool creation, AMM trades and a deposit — plus AMM traffic of a token Megatron never saw.
 */
function life(platform: Platform, venue: AmmVenue, t0: number) {
  const mint = key();
  const curve = key();
  const ammPool = key();
  const created = platform === 'pumpfun'
    ? tokenCreated({ mint, bondingCurve: curve, blockTime: t0 - 5, slot: 1_000 })
    : { ...tokenCreated({ mint, bondingCurve: curve, blockTime: t0 - 5, slot: 1_000 }), program: 'launchlab' as const };
  let slot = 1_001;
  // A rising price: 60 curve trades over 10 minutes, then 60 AMM trades over the next 10 minutes.
  const at = (i: number, v: 'curve' | AmmVenue): TradeEvent => {
    const price = (30 + i) * 1e-9;
    return trade({
      program: platform, venue: v, mint, pool: v === 'curve' ? curve : ammPool, slot: slot++, blockTime: t0 + i * 10,
      priceSol: price.toFixed(18), progressPct: v === 'curve' ? String(Math.min(100, (i * 100) / 59)) : null,
      virtualSolReserves: BigInt(30_000_000_000 + i * 1_000_000), virtualTokenReserves: 1_000_000_000_000_000n - BigInt(i) * 1_000_000_000n,
      realSolReserves: BigInt(i * 1_000_000), realTokenReserves: 800_000_000_000_000n - BigInt(i) * 1_000_000_000n,
      completesCurve: v === 'curve' && i === 59,
    });
  };
  const curveTrades = Array.from({ length: 60 }, (_, i) => at(i, 'curve'));
  const migrateSig = signature();
  const migrateTime = t0 + 600;
  const migration: LaunchpadEvent[] = [
    { type: 'curve_completed', program: platform, mint, pool: curve, user: key(), signature: curveTrades[59]!.signature, slot: curveTrades[59]!.slot, blockTime: curveTrades[59]!.blockTime, ixIndex: 2, innerIxIndex: -1 },
    migrated({ program: platform, mint, pool: curve, newPool: ammPool, target: venue, signature: migrateSig, slot: slot++, blockTime: migrateTime }),
    {
      type: 'amm_pool_created', program: platform, venue, pool: ammPool, mint, quoteMint: SOL_MINT, lpMint: key(), creator: key(),
      baseAmount: 206_900_000_000_000n, quoteAmount: 84_990_359_056n, baseDecimals: 6, quoteDecimals: 9, baseVault: key(), quoteVault: key(),
      ixName: 'create_pool', signature: migrateSig, slot: slot - 1, blockTime: migrateTime, ixIndex: 0, innerIxIndex: 3,
    } satisfies AmmPoolCreatedEvent,
  ];
  const ammTrades = Array.from({ length: 60 }, (_, i) => at(60 + i, venue));
  const last = ammTrades.at(-1)!;
  const deposit: LiquidityEvent = {
    type: 'liquidity', program: platform, venue, pool: ammPool, mint, quoteMint: SOL_MINT, user: key(), kind: 'deposit',
    baseAmount: 1_000_000_000n, quoteAmount: 500_000_000n, lpAmount: 7_000n,
    baseReserves: last.realTokenReserves! + 1_000_000_000n, quoteReserves: last.realSolReserves! + 500_000_000n,
    ixName: 'deposit', signature: signature(), slot: slot++, blockTime: last.blockTime! + 5, ixIndex: 0, innerIxIndex: -1,
  };
  const stranger = trade({ program: platform, venue, mint: key(), pool: key(), slot: slot++, blockTime: t0 + 700, progressPct: null });
  return { mint, curve, ammPool, created, curveTrades, migration, ammTrades, deposit, stranger };
}

forEachDbTarget((target) => {
  for (const [platform, venue] of [['pumpfun', 'pumpswap'], ['launchlab', 'raydium_cpmm']] as const) {
    test(`${platform} → ${venue}: candles, volume and pool state run on through graduation; untracked AMM traffic is dropped`, async () => {
      const db = await openTestDb(target);
      try {
        const t0 = Math.floor(Date.now() / 60_000) * 60 - 3600;
        const l = life(platform, venue, t0);
        const writer = new EventWriter(db);
        // In the batches a live run would see: creation + curve, the migration with the first AMM trades, the rest.
        await writer.transaction((w) => w.writeEvents([l.created, ...l.curveTrades]));
        const mid = await writer.transaction((w) => w.writeEvents([...l.migration, ...l.ammTrades.slice(0, 20), l.stranger]));
        assert.deepEqual([...mid.untracked], [l.stranger.mint]);
        await writer.transaction((w) => w.writeEvents([...l.ammTrades.slice(20), l.deposit]));

        const trades = await db.query<{ venue: string; n: string }>(
          `SELECT megatron_venue(p.pool_type) AS venue, count(*)::text AS n FROM transactions x JOIN pools p ON p.pool_address = x.pool
           WHERE x.mint = $1 GROUP BY 1 ORDER BY 1`, [l.mint]);
        assert.deepEqual(trades.rows, [{ venue: 'curve', n: '60' }, { venue, n: '60' }].sort((a, b) => a.venue.localeCompare(b.venue)));
        const stranger = await db.query('SELECT 1 FROM tokens WHERE mint_address = $1 UNION ALL SELECT 1 FROM transactions WHERE mint = $1', [l.stranger.mint]);
        assert.equal(stranger.rowCount, 0, 'a token Megatron does not track leaves no row');

        await refreshCandles(db);
        const candles = await getCandles(db, l.mint, '1m', new Date((t0 - 60) * 1000), new Date((t0 + 1260) * 1000));
        // 20 minutes of trades, one candle per minute: no gap and no double count at the migration.
        assert.deepEqual(candles.map((c) => c.bucket.getTime() / 1000), Array.from({ length: 20 }, (_, i) => t0 + i * 60));
        assert.equal(candles.reduce((s, c) => s + c.trades, 0n), 120n);
        for (let i = 1; i < candles.length; i++) assert.equal(candles[i]!.open > candles[i - 1]!.open, true, 'the price runs on');
        assert.deepEqual((await checkCandles(db, { since: new Date((t0 - 3600) * 1000), mint: l.mint })).mismatches, []);

        const pools = await db.query<{ pool_address: string; pool_type: string; status: string; migrated_to_pool: string | null; real_sol_reserves: string; real_token_reserves: string; last_signature: string; initial_quote_liquidity: string }>(
          `SELECT pool_address, pool_type, status, migrated_to_pool, real_sol_reserves::text, real_token_reserves::text, last_signature, initial_quote_liquidity::text
           FROM pools WHERE base_mint = $1 ORDER BY created_at`, [l.mint]);
        const amm = pools.rows.find((p) => p.pool_address === l.ammPool)!;
        const curve = pools.rows.find((p) => p.pool_address === l.curve)!;
        assert.deepEqual([curve.status, curve.migrated_to_pool], ['migrated', l.ammPool]);
        assert.deepEqual([amm.pool_type, amm.initial_quote_liquidity], [venue, '84990359056']);
        // The deposit after the last trade is the pool's latest state.
        assert.deepEqual([amm.real_sol_reserves, amm.real_token_reserves, amm.last_signature], [String(l.deposit.quoteReserves), String(l.deposit.baseReserves), l.deposit.signature]);
        const report = await checkConsistency(db, { candlesSince: new Date((t0 - 3600) * 1000) });
        assert.deepEqual(report.checks.filter((c) => c.violations > 0).map((c) => `${c.name}: ${c.examples.join('; ')}`), []);

        // Written twice (a replay): nothing doubles.
        await writer.transaction((w) => w.writeEvents([...l.migration, ...l.ammTrades, l.deposit]));
        const again = await db.query<{ n: string }>('SELECT ((SELECT count(*) FROM transactions WHERE mint = $1) + (SELECT count(*) FROM liquidity_events WHERE pool = $2))::text AS n', [l.mint, l.ammPool]);
        assert.equal(again.rows[0]!.n, '121');
      } finally {
        await db.close();
      }
    });
  }
});
