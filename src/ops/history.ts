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
 * that `trades` span about `days` (within 2 % of its end, checked by dry runs), and the fill stops at `trades`.
 */
export async function fillSimulatedHistory(db: Db, opts: HistoryOptions): Promise<HistoryResult> {
  const seconds = opts.days * 86_400;
  const endTime = opts.endTime ?? Math.floor(Date.now() / 1000);
  const txPerSlot = 2;
  const seed = opts.seed ?? 7;
  const startTime = endTime - seconds;
  // The market's trade density varies with the seed (bursts, runners, graduations): a few dry runs of the
  // simulator (no decoding, no writes) thin the slot rate until the requested trades reach the end of the span.
  let slotsPerSecond = opts.trades / 0.78 / txPerSlot / seconds;
  for (let pass = 0; pass < 4; pass++) {
    const reached = timeOfTrade(opts.trades, { seed, startTime, slotsPerSecond, txPerSlot, durationSeconds: seconds });
    if (reached === null || reached >= endTime - seconds * 0.02) break;
    slotsPerSecond *= Math.max(0.2, (reached - startTime) / seconds);
  }
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
  const stream = simulatedTransactions({ seed, startTime, slotsPerSecond, txPerSlot, durationSeconds: seconds });
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

/** Block time of the n-th trade of a simulated stream, or null when the stream ends before it. */
function timeOfTrade(n: number, options: Parameters<typeof simulatedTransactions>[0]): number | null {
  let trades = 0;
  for (const sim of simulatedTransactions(options)) {
    for (const e of sim.events) if (e.type === 'trade' && ++trades >= n) return e.blockTime;
  }
  return null;
}
