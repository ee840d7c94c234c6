import { readGroups, type BorshReader } from '../borsh.ts';

/**
 * Raydium CPMM event layouts (raydium-io/raydium-cp-swap, programs/cp-swap/src/states/events.rs).
 * SwapEvent v1 (2024) ends after base_input; the 2025 creator-fee upgrade appended input_mint, output_mint,
 * trade_fee, creator_fee, creator_fee_on_input. The appended part is read as one group: a payload ending
 * inside it is corrupt. Bytes after the newest field are counted as trailing.
 */
export interface CpmmSwapEvent {
  pool: string;
  /** The pool's reserves before the swap: vault balances less the fees accrued to protocol, fund and creator. */
  inputVaultBefore: bigint;
  outputVaultBefore: bigint;
  /** What entered the input vault (net of a Token-2022 transfer fee, trade and creator fee included). */
  inputAmount: bigint;
  /** What left the output vault (before the output token's transfer fee). */
  outputAmount: bigint;
  inputTransferFee: bigint;
  outputTransferFee: bigint;
  baseInput: boolean;
  /** null on v1 events. */
  inputMint: string | null;
  outputMint: string | null;
  /** In the input token (v2 only). */
  tradeFee: bigint | null;
  creatorFee: bigint | null;
  creatorFeeOnInput: boolean | null;
  trailingBytes: number;
}

export function decodeCpmmSwapEvent(r: BorshReader): CpmmSwapEvent {
  const e: CpmmSwapEvent = {
    pool: r.pubkey('pool_id'),
    inputVaultBefore: r.u64('input_vault_before'),
    outputVaultBefore: r.u64('output_vault_before'),
    inputAmount: r.u64('input_amount'),
    outputAmount: r.u64('output_amount'),
    inputTransferFee: r.u64('input_transfer_fee'),
    outputTransferFee: r.u64('output_transfer_fee'),
    baseInput: r.bool('base_input'),
    inputMint: null,
    outputMint: null,
    tradeFee: null,
    creatorFee: null,
    creatorFeeOnInput: null,
    trailingBytes: 0,
  };
  readGroups(r, [
    () => {
      e.inputMint = r.pubkey('input_mint');
      e.outputMint = r.pubkey('output_mint');
      e.tradeFee = r.u64('trade_fee');
      e.creatorFee = r.u64('creator_fee');
      e.creatorFeeOnInput = r.bool('creator_fee_on_input');
    },
  ]);
  e.trailingBytes = r.remaining;
  return e;
}

export interface CpmmLpChangeEvent {
  pool: string;
  lpAmountBefore: bigint;
  /** Reserves before the change (vaults less accrued fees). */
  vault0Before: bigint;
  vault1Before: bigint;
  /** Amounts moved into (deposit) or out of (withdraw) the vaults, before transfer fees. */
  amount0: bigint;
  amount1: bigint;
  kind: 'deposit' | 'withdraw';
  trailingBytes: number;
}

export function decodeCpmmLpChangeEvent(r: BorshReader): CpmmLpChangeEvent {
  const pool = r.pubkey('pool_id');
  const lpAmountBefore = r.u64('lp_amount_before');
  const vault0Before = r.u64('token_0_vault_before');
  const vault1Before = r.u64('token_1_vault_before');
  const amount0 = r.u64('token_0_amount');
  const amount1 = r.u64('token_1_amount');
  r.skip(16, 'token_0_transfer_fee, token_1_transfer_fee');
  const kind = r.tag(2, 'change_type') === 0 ? 'deposit' : 'withdraw';
  return { pool, lpAmountBefore, vault0Before, vault1Before, amount0, amount1, kind, trailingBytes: r.remaining };
}
