import type { AmmPoolCreatedEvent, CurveCompletedEvent, MigratedEvent, PoolCreatedEvent, TokenCreatedEvent, TradeEvent } from '../../core/events.ts';

/**
 * Ground truth: what a correct decoder must read from each simulated transaction. Each expected event is the
 * subset of the corresponding {@link LaunchpadEvent} fields that the simulator decides (amounts exact);
 * derived presentation fields (price strings, progress) are left to the decoder.
 */
type Location = 'program' | 'signature' | 'slot' | 'blockTime' | 'ixIndex' | 'innerIxIndex';

export type ExpectedTrade = Pick<
  TradeEvent,
  | Location
  | 'type'
  | 'mint'
  | 'quoteMint'
  | 'pool'
  | 'user'
  | 'side'
  | 'solAmount'
  | 'tokenAmount'
  | 'fee'
  | 'protocolFee'
  | 'creatorFee'
  | 'platformFee'
  | 'virtualSolReserves'
  | 'virtualTokenReserves'
  | 'realSolReserves'
  | 'realTokenReserves'
  | 'baseDecimals'
  | 'quoteDecimals'
  | 'ixName'
  | 'completesCurve'
> & { venue?: TradeEvent['venue'] };

export type ExpectedTokenCreated = Pick<
  TokenCreatedEvent,
  Location | 'type' | 'mint' | 'name' | 'symbol' | 'uri' | 'creator' | 'user' | 'bondingCurve' | 'decimals' | 'totalSupply' | 'tokenProgram' | 'ixName'
>;

export type ExpectedPoolCreated = Pick<
  PoolCreatedEvent,
  | Location
  | 'type'
  | 'pool'
  | 'creator'
  | 'config'
  | 'mint'
  | 'quoteMint'
  | 'name'
  | 'symbol'
  | 'uri'
  | 'decimals'
  | 'curveType'
  | 'supply'
  | 'totalBaseSell'
  | 'totalQuoteFundRaising'
  | 'migrateType'
  | 'ixName'
>;

export type ExpectedCurveCompleted = Pick<CurveCompletedEvent, Location | 'type' | 'mint' | 'pool' | 'user'>;

export type ExpectedMigrated = Pick<
  MigratedEvent,
  Location | 'type' | 'mint' | 'quoteMint' | 'pool' | 'newPool' | 'lpMint' | 'target' | 'baseAmount' | 'quoteAmount' | 'ixName'
>;

/** The AMM pool a migration creates, read from the AMM's own instruction (a CPI of the migration). */
export type ExpectedAmmPoolCreated = Pick<
  AmmPoolCreatedEvent,
  Location | 'type' | 'venue' | 'pool' | 'mint' | 'quoteMint' | 'lpMint' | 'baseAmount' | 'quoteAmount' | 'baseVault' | 'quoteVault' | 'ixName'
>;

export type ExpectedEvent = ExpectedTrade | ExpectedTokenCreated | ExpectedPoolCreated | ExpectedCurveCompleted | ExpectedMigrated | ExpectedAmmPoolCreated;

/**
 * An event as a protocol builder drafts it, before the market places it in a transaction. `child`: the event
 * comes from the instruction's n-th CPI (its position among the instruction's inner instructions).
 */
export type DraftEvent = (ExpectedEvent extends infer E ? (E extends ExpectedEvent ? Omit<E, Exclude<Location, 'program'>> : never) : never) & { child?: number };

/** The natural key of a trade row: (signature, top-level instruction index, inner index or -1). */
export interface TradeKey {
  signature: string;
  ixIndex: number;
  innerIxIndex: number;
}

/** `signature:ixIndex:innerIxIndex` — handy for set comparisons in tests. */
export const tradeKeyString = (k: TradeKey): string => `${k.signature}:${k.ixIndex}:${k.innerIxIndex}`;
