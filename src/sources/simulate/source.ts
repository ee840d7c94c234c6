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

  constructor(private readonly options: SimulateOptions = {}) {}

  async *stream(opts: SourceStartOptions): AsyncIterable<SourceItem> {
    const rate = this.options.rate;
    // Unpaced, the only wait is a turn of the event loop every 1024 items: no extra await per item.
    const pacer = rate === undefined || !Number.isFinite(rate) ? null : createPacer(rate, opts.signal);
    let n = 0;
    for (const sim of simulatedTransactions(this.options, opts.checkpoint)) {
      if (pacer !== null) await pacer();
      else if ((++n & 1023) === 0) await yieldToEventLoop();
      if (opts.signal.aborted) return;
      yield { kind: 'tx', tx: sim.tx, receivedAtMs: Date.now() };
    }
  }
}

/**
 * Holds each call until its turn at `rate` per second (undefined/Infinity: never waits, but yields to the
 * event loop every 1024 calls so timers and I/O still run when the consumer never waits).
 */
export function createPacer(rate: number | undefined, signal: AbortSignal): () => Promise<void> {
  const startedAt = Date.now();
  let calls = 0;
  return async () => {
    const n = calls++;
    if (rate === undefined || !Number.isFinite(rate)) {
      if ((n & 1023) === 1023) await yieldToEventLoop();
      return;
    }
    const wait = startedAt + (n * 1000) / rate - Date.now();
    if (wait > 1) await sleep(wait, signal);
  };
}
