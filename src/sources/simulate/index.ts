/**
 * The `simulate` source: a seedable launchpad market that emits transactions in the exact RPC format.
 * See docs/simulator.md.
 */
import type { Checkpoint } from '../types.ts';
import { simulatedTransactions, type SimulateOptions } from './source.ts';
import { tradeKeyString, type ExpectedEvent, type TradeKey } from './truth.ts';

export { Market, DEFAULT_MARKET, txPerSlotForRate, type MarketOptions, type SimTx } from './market.ts';
export { isPaced, SimulateSource, simulatedTransactions, type SimulateOptions } from './source.ts';
export { toRpcJson, uiAmountString, type RpcTransactionJson } from './render.ts';
export { tradeKeyString, type ExpectedEvent, type ExpectedTrade, type TradeKey } from './truth.ts';

/** Every event a correct decoder must find in the simulated stream (optionally after a checkpoint). */
export function expectedEvents(options: SimulateOptions, checkpoint: Checkpoint | null = null): ExpectedEvent[] {
  const out: ExpectedEvent[] = [];
  for (const sim of simulatedTransactions(options, checkpoint)) for (const e of sim.events) out.push(e);
  return out;
}

/** The trade keys (signature, ixIndex, innerIxIndex) the stream contains: the zero-loss tests' ground truth. */
export function expectedTradeKeys(options: SimulateOptions, checkpoint: Checkpoint | null = null): TradeKey[] {
  const keys: TradeKey[] = [];
  for (const sim of simulatedTransactions(options, checkpoint)) {
    for (const e of sim.events) if (e.type === 'trade') keys.push({ signature: e.signature, ixIndex: e.ixIndex, innerIxIndex: e.innerIxIndex });
  }
  return keys;
}

/** {@link expectedTradeKeys} as `signature:ixIndex:innerIxIndex` strings in a set. */
export function expectedTradeKeySet(options: SimulateOptions, checkpoint: Checkpoint | null = null): Set<string> {
  return new Set(expectedTradeKeys(options, checkpoint).map(tradeKeyString));
}
