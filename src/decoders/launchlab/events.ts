import { BorshError, readGroups, type BorshReader } from '../borsh.ts';

/** LaunchLab event and argument layouts (spec §3.2, §3.4). */

export type CurveType = 'constant' | 'fixed' | 'linear';
const CURVE_TYPES: readonly CurveType[] = ['constant', 'fixed', 'linear'];

export interface MintParams {
  decimals: number;
  name: string;
  symbol: string;
  uri: string;
}

export interface CurveParams {
  curveType: CurveType;
  supply: bigint;
  totalBaseSell: bigint | null;
  totalQuoteFundRaising: bigint;
  migrateType: 'amm' | 'cpmm';
}

export interface PoolCreateEvent {
  poolState: string;
  creator: string;
  config: string;
  mint: MintParams;
  curve: CurveParams;
  vestingTotalLocked: bigint;
  /** AmmCreatorFeeOn (0 QuoteToken, 1 BothToken); null in events that predate the field. */
  ammFeeOn: number | null;
  trailingBytes: number;
}

export function decodeMintParams(r: BorshReader): MintParams {
  return { decimals: r.u8('decimals'), name: r.string('name'), symbol: r.string('symbol'), uri: r.string('uri') };
}

export function decodeCurveParams(r: BorshReader): CurveParams {
  const curveType = CURVE_TYPES[r.tag(3, 'curve_param')]!;
  const supply = r.u64('supply');
  const totalBaseSell = curveType === 'constant' ? r.u64('total_base_sell') : null;
  const totalQuoteFundRaising = r.u64('total_quote_fund_raising');
  const migrateType = r.tag(2, 'migrate_type') === 0 ? 'amm' : 'cpmm';
  return { curveType, supply, totalBaseSell, totalQuoteFundRaising, migrateType };
}

export function decodePoolCreateEvent(r: BorshReader): PoolCreateEvent {
  const e: PoolCreateEvent = {
    poolState: r.pubkey('pool_state'),
    creator: r.pubkey('creator'),
    config: r.pubkey('config'),
    mint: decodeMintParams(r),
    curve: decodeCurveParams(r),
    vestingTotalLocked: r.u64('total_locked_amount'),
    ammFeeOn: null,
    trailingBytes: 0,
  };
  r.skip(16, 'vesting periods');
  readGroups(r, [() => (e.ammFeeOn = r.tag(2, 'amm_fee_on'))]);
  e.trailingBytes = r.remaining;
  return e;
}

export interface LaunchLabTradeEvent {
  /** 1 (130 bytes), 2 (138: creator_fee inserted), 3 (≥ 139: + exact_in). */
  layout: 1 | 2 | 3;
  poolState: string;
  totalBaseSell: bigint;
  virtualBase: bigint;
  virtualQuote: bigint;
  realBaseBefore: bigint;
  realQuoteBefore: bigint;
  realBaseAfter: bigint;
  realQuoteAfter: bigint;
  amountIn: bigint;
  amountOut: bigint;
  protocolFee: bigint;
  platformFee: bigint;
  creatorFee: bigint;
  shareFee: bigint;
  isBuy: boolean;
  /** 0 Fund, 1 Migrate (sale complete), 2 Trade (migrated). */
  poolStatus: number;
  exactIn: boolean | null;
  trailingBytes: number;
}

const L1 = 130;
const L2 = 138;
const L3 = 139;

/** A field was inserted (creator_fee), not appended, so the layout is chosen by length before reading. */
export function decodeLaunchLabTradeEvent(r: BorshReader): LaunchLabTradeEvent {
  const size = r.remaining;
  if (size !== L1 && size !== L2 && size < L3) throw new BorshError(`TradeEvent of ${size} bytes matches no layout (130/138/≥139)`);
  const layout = size === L1 ? 1 : size === L2 ? 2 : 3;
  const e = {
    layout,
    poolState: r.pubkey('pool_state'),
    totalBaseSell: r.u64('total_base_sell'),
    virtualBase: r.u64('virtual_base'),
    virtualQuote: r.u64('virtual_quote'),
    realBaseBefore: r.u64('real_base_before'),
    realQuoteBefore: r.u64('real_quote_before'),
    realBaseAfter: r.u64('real_base_after'),
    realQuoteAfter: r.u64('real_quote_after'),
    amountIn: r.u64('amount_in'),
    amountOut: r.u64('amount_out'),
    protocolFee: r.u64('protocol_fee'),
    platformFee: r.u64('platform_fee'),
    creatorFee: layout === 1 ? 0n : r.u64('creator_fee'),
    shareFee: r.u64('share_fee'),
    isBuy: r.tag(2, 'trade_direction') === 0,
    poolStatus: r.tag(3, 'pool_status'),
    exactIn: layout === 3 ? r.bool('exact_in') : null,
    trailingBytes: 0,
  } satisfies LaunchLabTradeEvent;
  e.trailingBytes = r.remaining;
  return e;
}
