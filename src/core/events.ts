/**
 * One event vocabulary for both launchpads. Amounts are exact integers in base units (bigint);
 * prices are decimal strings with at least 12 significant digits. Decoders produce these; the
 * pipeline stores them; nothing downstream needs to know which program emitted them beyond `program`.
 */

export type Platform = 'pumpfun' | 'launchlab';

/**
 * Where a trade happened: the launchpad's bonding curve, or the AMM pool the token graduated to. AMM events
 * keep `program` = the launchpad family whose graduation leads there (PumpSwap → pumpfun, Raydium CPMM and
 * AMM v4 → launchlab), so a token's rows share one platform from its first curve trade on.
 */
export type Venue = 'curve' | 'pumpswap' | 'raydium_cpmm' | 'raydium_amm_v4';
export type AmmVenue = Exclude<Venue, 'curve'>;

/**
 * Where an event sits in its transaction. Trades are keyed by (signature, ixIndex, innerIxIndex):
 * ixIndex is the top-level instruction that (directly or through a router's CPI) ran the launchpad
 * instruction; innerIxIndex is that launchpad instruction's position in the inner instruction list of
 * ixIndex, or -1 when the launchpad instruction is itself top-level. The same location is derivable
 * from inner instructions and from invoke-stack log parsing, so a trade gets the same key whichever
 * channel it was read from.
 */
export interface EventLocation {
  program: Platform;
  signature: string;
  slot: number;
  /** Unix seconds (block time; pump.fun event timestamp when the block time is unknown). */
  blockTime: number | null;
  ixIndex: number;
  innerIxIndex: number;
}

/** A new token on a bonding curve (pump.fun `create`/`create_v2`). */
export interface TokenCreatedEvent extends EventLocation {
  type: 'token_created';
  mint: string;
  name: string;
  symbol: string;
  uri: string;
  /** The coin's creator (fee recipient); the signer for 2024 events that predate the field. */
  creator: string;
  /** The transaction's signer that paid for the creation. */
  user: string;
  /** pump.fun bonding curve account (the "pool" of the curve phase). */
  bondingCurve: string;
  quoteMint: string;
  tokenProgram: string | null;
  decimals: number;
  totalSupply: bigint | null;
  virtualTokenReserves: bigint | null;
  virtualSolReserves: bigint | null;
  realTokenReserves: bigint | null;
  isMayhemMode: boolean | null;
  /** The instruction that created it: create | create_v2. */
  ixName: string;
}

/** A LaunchLab pool (and its base token) created by `initialize*`. */
export interface PoolCreatedEvent extends EventLocation {
  type: 'pool_created';
  pool: string;
  creator: string;
  /** Global config (fixes curve type and quote mint). */
  config: string;
  platformConfig: string | null;
  mint: string;
  quoteMint: string;
  baseVault: string | null;
  quoteVault: string | null;
  name: string;
  symbol: string;
  uri: string;
  decimals: number;
  curveType: 'constant' | 'fixed' | 'linear';
  supply: bigint;
  totalBaseSell: bigint | null;
  totalQuoteFundRaising: bigint;
  migrateType: 'amm' | 'cpmm';
  vestingTotalLocked: bigint;
  tokenProgram: string | null;
  ixName: string;
}

export interface TradeEvent extends EventLocation {
  type: 'trade';
  /** curve for launchpad trades; the AMM for trades after graduation. */
  venue: Venue;
  /** The token (base). On an AMM pool: the pool's non-quote side, whatever the pool's own token order. */
  mint: string;
  quoteMint: string;
  /** pump.fun bonding curve, LaunchLab pool state, or the AMM pool. */
  pool: string;
  /** The trader (signer/owner), also when the trade came through a router CPI. */
  user: string;
  side: 'buy' | 'sell';
  /** Quote that moved into or out of the curve's reserves, net of fees (base units of the quote mint). */
  solAmount: bigint;
  /** Base token amount (base units). */
  tokenAmount: bigint;
  /** All fees of the trade together, in quote units. */
  fee: bigint;
  protocolFee: bigint;
  creatorFee: bigint;
  /** LaunchLab platform fee + share fee; 0 on pump.fun. */
  platformFee: bigint;
  /**
   * Reserves after the trade, in pump.fun's vocabulary for both platforms: virtual = the curve's pricing
   * reserves, real token = tokens still sellable on the curve, real sol = quote held by the curve. On an AMM
   * pool virtual = real = the pool's base and quote reserves after the trade (null real when not known).
   */
  virtualSolReserves: bigint;
  virtualTokenReserves: bigint;
  realSolReserves: bigint | null;
  realTokenReserves: bigint | null;
  /** Quote per whole token after the trade, decimal string with ≥ 12 significant digits. */
  priceSol: string;
  /** Curve progress in percent (0–100) after the trade, decimal string; null when not derivable. */
  progressPct: string | null;
  baseDecimals: number;
  quoteDecimals: number;
  /** The instruction that traded: buy, sell, buy_exact_sol_in, buy_v2, buy_exact_in, sell_exact_out… */
  ixName: string;
  /** True when this trade emptied the curve (pump.fun complete, LaunchLab pool_status → Migrate). */
  completesCurve: boolean;
  /** Unknown bytes after the last known field (program upgrades append fields before IDLs do). */
  trailingBytes: number;
}

/** The curve sold out: the token waits for migration. */
export interface CurveCompletedEvent extends EventLocation {
  type: 'curve_completed';
  mint: string;
  pool: string;
  user: string;
}

/** The token moved from its curve to an AMM pool (graduation). */
export interface MigratedEvent extends EventLocation {
  type: 'migrated';
  mint: string;
  quoteMint: string;
  /** The bonding curve / LaunchLab pool state that was migrated. */
  pool: string;
  /** The resulting AMM pool. */
  newPool: string;
  lpMint: string | null;
  target: 'pumpswap' | 'raydium_amm_v4' | 'raydium_cpmm';
  /** Base and quote moved into the new pool, when the event says. */
  baseAmount: bigint | null;
  quoteAmount: bigint | null;
  ixName: string;
}

/**
 * An AMM pool for a token (PumpSwap `create_pool` — also inside pump.fun `migrate` —, or the pool a LaunchLab
 * migration creates on CPMM / AMM v4). Oriented like trades: `mint` is the token, `quoteMint` the other side.
 */
export interface AmmPoolCreatedEvent extends EventLocation {
  type: 'amm_pool_created';
  venue: AmmVenue;
  pool: string;
  mint: string;
  quoteMint: string;
  lpMint: string | null;
  creator: string | null;
  /** Initial liquidity deposited, base units (null when the source does not say). */
  baseAmount: bigint | null;
  quoteAmount: bigint | null;
  baseDecimals: number | null;
  quoteDecimals: number | null;
  /** The pool's token accounts holding base and quote (excluded from holder counts). */
  baseVault: string | null;
  quoteVault: string | null;
  ixName: string;
}

/** Liquidity added to or removed from an AMM pool (deposit / withdraw): not a trade, no price effect. */
export interface LiquidityEvent extends EventLocation {
  type: 'liquidity';
  venue: AmmVenue;
  pool: string;
  mint: string;
  quoteMint: string;
  user: string;
  kind: 'deposit' | 'withdraw';
  baseAmount: bigint;
  quoteAmount: bigint;
  lpAmount: bigint | null;
  /** Pool reserves after the change (null when the source does not say). */
  baseReserves: bigint | null;
  quoteReserves: bigint | null;
  ixName: string;
}

export type LaunchpadEvent =
  | TokenCreatedEvent
  | PoolCreatedEvent
  | TradeEvent
  | CurveCompletedEvent
  | MigratedEvent
  | AmmPoolCreatedEvent
  | LiquidityEvent;

export type LaunchpadEventType = LaunchpadEvent['type'];

/**
 * Something a decoder noticed that is not an event. `quarantine` problems mean the transaction could not
 * be decoded (corrupt payload, accounts unknown): none of its events are stored. `flag` problems are
 * disagreements of the balance self-check with events the program itself emitted: the events are
 * authoritative and stored, the disagreement is recorded beside them (docs/decoding.md, "Trust policy").
 * `count` problems are tolerated and only counted (unknown discriminators, trailing bytes).
 */
export interface DecodeProblem {
  kind:
    | 'malformed_event'
    | 'malformed_instruction'
    | 'verification_mismatch'
    | 'unknown_discriminator'
    | 'trailing_bytes'
    | 'missing_accounts';
  severity: 'quarantine' | 'flag' | 'count';
  program: Platform;
  ixIndex: number;
  innerIxIndex: number;
  message: string;
  /** Verification mismatches: the balance checked, what the events imply (each accepted variant) and what the balances say. */
  check?: { subject: string; expected: string[]; actual: string };
}

/**
 * One invocation of a program Megatron reads: its instruction name (`0x` + discriminator hex when unknown,
 * `(cpi)` when only logs carried it) and whether it produced any event — the coverage metric's sample.
 */
export interface InvocationCoverage {
  programId: string;
  instruction: string;
  decoded: boolean;
}

export interface DecodeResult {
  events: LaunchpadEvent[];
  problems: DecodeProblem[];
  coverage: InvocationCoverage[];
}
