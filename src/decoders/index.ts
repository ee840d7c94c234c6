import type { DecodeResult } from '../core/events.ts';
import type { RawTx } from '../core/rawtx.ts';
import { DecodeContext, type ProgramDecoder } from './context.ts';
import { launchlabDecoder } from './launchlab/decode.ts';
import { locateInvocations } from './locate.ts';
import { pumpfunDecoder } from './pumpfun/decode.ts';
import { pumpswapDecoder } from './pumpswap/decode.ts';
import { verifyTrades } from './verify.ts';

/** The decoder registry, keyed by program id: the emitting program decides the decoder. */
export const DECODERS: ReadonlyMap<string, ProgramDecoder> = new Map(
  [pumpfunDecoder, launchlabDecoder, pumpswapDecoder].map((d) => [d.programId, d]),
);

/** Program ids the decoders understand (what a source should subscribe to). */
export const DECODED_PROGRAM_IDS: readonly string[] = [...DECODERS.keys()];

/**
 * RawTx → launchpad events, pure (no I/O, no clock). Failed transactions yield nothing. Problems are
 * returned beside the events: `quarantine` ones mean the transaction must not be trusted as decoded.
 */
export function decodeTransaction(tx: RawTx): DecodeResult {
  if (tx.err !== null && tx.err !== undefined) return { events: [], problems: [] };
  const ctx = new DecodeContext(tx);
  for (const inv of locateInvocations(tx, DECODERS)) inv.decoder.decode(inv, ctx);
  verifyTrades(ctx);
  return { events: ctx.events, problems: ctx.problems };
}

/** True when any problem says the transaction must not be trusted as decoded. */
export function needsQuarantine(result: DecodeResult): boolean {
  return result.problems.some((p) => p.severity === 'quarantine');
}

export { PUMPFUN_PROGRAM_ID } from './pumpfun/constants.ts';
export { LAUNCHLAB_PROGRAM_ID } from './launchlab/constants.ts';
export { PUMPSWAP_PROGRAM_ID } from './pumpswap/constants.ts';
