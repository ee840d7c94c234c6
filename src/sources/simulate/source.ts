import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Checkpoint, SourceItem, SourceStartOptions, TransactionSource } from '../types.ts';
import { Market, type MarketOptions, type SimTx } from './market.ts';
import { sleep } from '../backoff.ts';

export interface SimulateOptions extends Partial<MarketOptions> {
  /** Transactions per second of wall clock; `Infinity` = as fast as the consumer pulls. */
  rate?: number;
  /** Stop after this many transactions of the stream (counted from its start, also when resuming). */
  count?: number;
  /** Stop after this many seconds of simulated chain time. */
  durationSeconds?: number;
}

/**
 * The deterministic stream of simulated transactions: the first `count` (or `durationSeconds` of chain time)
 * transactions for these market options, skipping everything at or before `checkpoint`. Generation is the
 * same whether or not items are skipped, so a resumed stream continues byte-identically.
 */
export function* simulatedTransactions(options: SimulateOptions, checkpoint: Checkpoint | null = null): Generator<SimTx> {
  const market = new Market(options);
  const count = options.count ?? Infinity;
  const endSlot = options.durationSeconds === undefined ? Infinity : market.options.startSlot + options.durationSeconds * market.options.slotsPerSecond;
  let skipping = checkpoint !== null;
  let passedCheckpointSignature = false;
  for (let i = 0; i < count; i++) {
    const sim = market.next();
    if (sim.tx.slot >= endSlot) return;
    if (skipping) {
      if (sim.tx.slot < checkpoint!.slot) continue;
      if (sim.tx.slot === checkpoint!.slot && !passedCheckpointSignature) {
        // Everything up to and including the checkpointed signature was stored already (the whole slot
        // when the checkpoint names no signature).
        if (sim.tx.signature === checkpoint!.signature) passedCheckpointSignature = true;
        continue;
      }
      skipping = false;
    }
    yield sim;
  }
}

/** The `simulate` source: the market simulator behind the {@link TransactionSource} interface, paced to `rate`. */
export class SimulateSource implements TransactionSource {
  readonly name = 'simulate';
  readonly atFullSpeed: boolean;

  constructor(private readonly options: SimulateOptions = {}) {
    this.atFullSpeed = !isPaced(options.rate);
  }

  async *stream(opts: SourceStartOptions): AsyncIterable<SourceItem> {
    const pace = createPacer(this.options.rate, opts.signal);
    for (const sim of simulatedTransactions(this.options, opts.checkpoint)) {
      const turn = pace();
      if (turn) await turn;
      if (opts.signal.aborted) return;
      yield { kind: 'tx', tx: sim.tx, receivedAtMs: Date.now() };
    }
  }
}

/**
 * Paces calls to `rate` per second: each call returns the wait until its turn, or undefined when there is
 * none, so a caller awaits only when needed. Unpaced (undefined/Infinity) it never waits, but every 1024th
 * call is a turn of the event loop so timers and I/O still run when the consumer never waits.
 */
export function createPacer(rate: number | undefined, signal: AbortSignal): () => Promise<void> | undefined {
  const startedAt = Date.now();
  const paced = isPaced(rate);
  let calls = 0;
  return () => {
    const n = calls++;
    if (!paced) return (n & 1023) === 1023 ? yieldToEventLoop() : undefined;
    const wait = startedAt + (n * 1000) / rate - Date.now();
    return wait > 1 ? sleep(wait, signal) : undefined;
  };
}

/** A rate that paces (not undefined, not Infinity). */
export const isPaced = (rate: number | undefined): rate is number => rate !== undefined && Number.isFinite(rate);
