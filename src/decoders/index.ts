import type { DecodeResult, InvocationCoverage } from '../core/events.ts';
import type { RawTx } from '../core/rawtx.ts';
import { DecodeContext, type ProgramDecoder } from './context.ts';
import { launchlabDecoder } from './launchlab/decode.ts';
import { locateInvocations } from './locate.ts';
import { pumpfunDecoder } from './pumpfun/decode.ts';
import { pumpswapDecoder } from './pumpswap/decode.ts';
import { raydiumAmmDecoder } from './raydium-amm/decode.ts';
import { raydiumCpmmDecoder } from './raydium-cpmm/decode.ts';
import { verifyTrades } from './verify.ts';

/** The decoder registry, keyed by program id: the emitting program decides the decoder. */
export const DECODERS: ReadonlyMap<string, ProgramDecoder> = new Map(
  [pumpfunDecoder, launchlabDecoder, pumpswapDecoder, raydiumCpmmDecoder, raydiumAmmDecoder].map((d) => [d.programId, d]),
);

/** Program ids the decoders understand (what a source should subscribe to). */
export const DECODED_PROGRAM_IDS: readonly string[] = [...DECODERS.keys()];

/**
 * How sources read RPC transactions for these decoders: inner-instruction bytes are decoded (base58) for
 * the decoded programs only — the decoders never read another program's data (normalizeRpcTransaction).
 */
export const DECODER_READ_CONTEXT = { instructionDataOf: new Set(DECODED_PROGRAM_IDS) } as const;

/**
 * Version of what the decoders make of a transaction, stored with every flagged one: bump it when a fix
 * changes the events or the self-check of some transaction, so `megatron quarantine retry` knows what
 * was judged by older code.
 */
export const DECODER_VERSION = '2026.12.06-raydium';

/**
 * RawTx → launchpad events, pure (no I/O, no clock). Failed transactions yield nothing. Problems are
 * returned beside the events: `quarantine` ones mean the transaction could not be decoded, `flag` ones
 * that the balance self-check disagrees with the (kept) events. `coverage` says, per invocation of a
 * program the decoders read, whether it produced an event.
 */
export function decodeTransaction(tx: RawTx): DecodeResult {
  if (tx.err !== null && tx.err !== undefined) return { events: [], problems: [], coverage: [] };
  const ctx = new DecodeContext(tx);
  const coverage: InvocationCoverage[] = [];
  for (const inv of locateInvocations(tx, DECODERS)) {
    const before = ctx.events.length;
    inv.decoder.decode(inv, ctx);
    coverage.push({ programId: inv.decoder.programId, instruction: instructionLabel(inv.decoder, inv.ix?.data ?? null), decoded: ctx.events.length > before });
  }
  verifyTrades(ctx);
  return { events: ctx.events, problems: ctx.problems, coverage };
}

/** Known names as the decoder says; unknown instructions by their first 8 bytes in hex (the Anchor discriminator). */
function instructionLabel(decoder: ProgramDecoder, data: Uint8Array | null): string {
  if (data === null) return '(cpi)';
  return decoder.instructionName(data) ?? `0x${Buffer.from(data.subarray(0, 8)).toString('hex')}`;
}

/** True when any problem says the transaction must not be trusted as decoded. */
export function needsQuarantine(result: DecodeResult): boolean {
  return result.problems.some((p) => p.severity === 'quarantine');
}

export { PUMPFUN_PROGRAM_ID } from './pumpfun/constants.ts';
export { LAUNCHLAB_PROGRAM_ID } from './launchlab/constants.ts';
export { PUMPSWAP_PROGRAM_ID } from './pumpswap/constants.ts';
export { RAYDIUM_CPMM_PROGRAM_ID } from './raydium-cpmm/constants.ts';
export { RAYDIUM_AMM_V4_PROGRAM_ID } from './raydium-amm/constants.ts';
