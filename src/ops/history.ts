import { decodeTransaction } from '../decoders/index.ts';
import type { LaunchpadEvent } from '../core/events.ts';
import { EventWriter } from '../db/writer.ts';
import type { Db } from '../db/types.ts';
import { simulatedTransactions } from '../sources/simulate/index.ts';

export interface HistoryOptions {
  /** Trades to store (the last batch may overshoot by a few). */
  trades: number;
  /** Days of chain time the trades are spread over, ending `endTime`. */
  days: number;
  /** Unix seconds where the history ends (default: now). */
  endTime?: number;
  seed?: number;
  /** Trades per database transaction. */
  batchTrades?: number;
}

export interface HistoryResult {
  trades: number;
  transactions: number;
  first: Date;
  last: Date;
}

/**
 * Fills `db` with a simulated market history through the real path (simulator → decoders → writer): the
 * data the compression benchmark and the operations tests measure. The simulator's slot rate is chosen so
 * that `trades` span about `days`: it yields ≈ 0.82 trades per slot × `txPerSlot` (skipped slots, failed
 * transactions; measured), and the fill stops at `trades`, so the history ends a few percent short of `days`.
 */
export async function fillSimulatedHistory(db: Db, opts: HistoryOptions): Promise<HistoryResult> {
  const seconds = opts.days * 86_400;
  const endTime = opts.endTime ?? Math.floor(Date.now() / 1000);
  const txPerSlot = 2;
  const slotsPerSecond = opts.trades / 0.78 / txPerSlot / seconds;
  const writer = new EventWriter(db);
  const batchTrades = opts.batchTrades ?? 5000;
  let trades = 0;
  let transactions = 0;
  let first: Date | null = null;
  let last: Date | null = null;
  let batch: LaunchpadEvent[] = [];
  let batchTradeCount = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const events = batch;
    batch = [];
    batchTradeCount = 0;
    await writer.transaction((w) => w.writeEvents(events, 'simulate'));
  };
  const stream = simulatedTransactions({ seed: opts.seed ?? 7, startTime: endTime - seconds, slotsPerSecond, txPerSlot, durationSeconds: seconds });
  for (const sim of stream) {
    transactions++;
    const { events } = decodeTransaction(sim.tx);
    for (const e of events) {
      batch.push(e);
      if (e.type !== 'trade') continue;
      trades++;
      batchTradeCount++;
      if (e.blockTime === null) continue;
      const t = new Date(e.blockTime * 1000);
      first ??= t;
      last = t;
    }
    if (batchTradeCount >= batchTrades) await flush();
    if (trades >= opts.trades) break;
  }
  await flush();
  if (!first || !last) throw new Error('the simulated history holds no trades');
  return { trades, transactions, first, last };
}
