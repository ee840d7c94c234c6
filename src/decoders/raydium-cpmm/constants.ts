import { eventDisc, instructionDisc } from '../anchor.ts';

/** Raydium CPMM (cp-swap): where LaunchLab tokens graduate through `migrate_to_cpswap`. One id for the codebase. */
export { RAYDIUM_CPMM_PROGRAM_ID } from '../launchlab/constants.ts';

/**
 * Instructions of raydium-io/raydium-cp-swap (programs/cp-swap/src/lib.rs): pool life cycle, swaps, fee
 * collection, and admin. Anchor discriminators, computed from the names.
 */
export const CPMM_IX_NAMES = [
  'initialize',
  'initialize_with_permission',
  'deposit',
  'withdraw',
  'swap_base_input',
  'swap_base_output',
  'create_amm_config',
  'update_amm_config',
  'update_pool_status',
  'collect_protocol_fee',
  'collect_fund_fee',
  'collect_creator_fee',
  'create_permission_pda',
  'close_permission_pda',
] as const;
export type CpmmIxName = (typeof CPMM_IX_NAMES)[number];
export const CPMM_IX: ReadonlyArray<readonly [Uint8Array, CpmmIxName]> = CPMM_IX_NAMES.map((n) => [instructionDisc(n), n] as const);

/** Events (states/events.rs), logged with Anchor `emit!` as `Program data:` lines — no self-CPI. */
export const CPMM_EVENT = {
  SwapEvent: eventDisc('SwapEvent'),
  LpChangeEvent: eventDisc('LpChangeEvent'),
} as const;

/** Account positions of the instructions the decoder reads (the programs' `#[derive(Accounts)]` order). */
export const CPMM_ACCOUNTS = {
  /** initialize: creator, amm_config, authority, pool_state, token_0_mint, token_1_mint, lp_mint, creator tokens ×3, vaults. */
  initialize: { creator: 0, pool: 3, mint0: 4, mint1: 5, lpMint: 6, vault0: 10, vault1: 11 },
  /** initialize_with_permission: payer first, then creator and the same list shifted by one. */
  initialize_with_permission: { creator: 1, pool: 4, mint0: 5, mint1: 6, lpMint: 7, vault0: 11, vault1: 12 },
  /** swap_base_input / swap_base_output (one `Swap` context): payer, authority, amm_config, pool_state, user in/out, vaults in/out, programs, mints in/out. */
  swap: { user: 0, pool: 3, inputVault: 6, outputVault: 7, inputMint: 10, outputMint: 11 },
  /** deposit / withdraw: owner, authority, pool_state, owner_lp_token, owner token 0/1, vaults 0/1, programs, vault mints 0/1, lp_mint. */
  liquidity: { user: 0, pool: 2, vault0: 6, vault1: 7, mint0: 10, mint1: 11 },
} as const;
