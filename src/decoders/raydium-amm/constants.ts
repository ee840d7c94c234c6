/** Raydium AMM v4 (legacy OpenBook AMM): where LaunchLab tokens graduate through `migrate_to_amm`. */
export { RAYDIUM_AMM_V4_PROGRAM_ID } from '../launchlab/constants.ts';

/**
 * Instructions by their first byte (not Anchor): raydium-io/raydium-amm program/src/instruction.rs
 * (`AmmInstruction::unpack`), plus the orderbook-less swaps 16 / 17 of the v2 interface.
 */
export const AMM_IX_BY_TAG: readonly string[] = [
  'initialize',
  'initialize2',
  'monitor_step',
  'deposit',
  'withdraw',
  'migrate_to_open_book',
  'set_params',
  'withdraw_pnl',
  'withdraw_srm',
  'swap_base_in',
  'pre_initialize',
  'swap_base_out',
  'simulate_info',
  'admin_cancel_orders',
  'create_config_account',
  'update_config_account',
  'swap_base_in_v2',
  'swap_base_out_v2',
];

/** `ray_log` record types (program/src/log.rs `LogType`): first byte of the base64-decoded record. */
export const RAY_LOG = { init: 0, deposit: 1, withdraw: 2, swapBaseIn: 3, swapBaseOut: 4 } as const;
export const RAY_LOG_PREFIX = 'Program log: ray_log: ';

/** `initialize2` accounts (instruction.rs doc comment): 4 amm, 7 lp mint, 8 coin mint, 9 pc mint, 10/11 vaults, 17 user wallet. */
export const INITIALIZE2_ACCOUNTS = { pool: 4, lpMint: 7, coinMint: 8, pcMint: 9, coinVault: 10, pcVault: 11, creator: 17 } as const;

export interface AmmSwapAccounts {
  pool: number;
  coinVault: number;
  pcVault: number;
  user: number;
}
/** swap_base_in / swap_base_out with the (unused) target orders account: 18 accounts. */
export const SWAP_ACCOUNTS_18: AmmSwapAccounts = { pool: 1, coinVault: 5, pcVault: 6, user: 17 };
/** The same without target orders (what the SDKs build since 2024): 17 accounts, everything after 3 one earlier. */
export const SWAP_ACCOUNTS_17: AmmSwapAccounts = { pool: 1, coinVault: 4, pcVault: 5, user: 16 };
/** swap_base_in_v2 / swap_base_out_v2 (no market accounts): token program, amm, authority, vaults, user source/destination, user. */
export const SWAP_ACCOUNTS_V2: AmmSwapAccounts = { pool: 1, coinVault: 3, pcVault: 4, user: 7 };

/** deposit (14 accounts, user wallet 12) and withdraw (user wallet 16): amm 1, lp mint 5, vaults 6 / 7. */
export const LIQUIDITY_ACCOUNTS = {
  deposit: { pool: 1, coinVault: 6, pcVault: 7, user: 12 },
  withdraw: { pool: 1, coinVault: 6, pcVault: 7, user: 16 },
} as const;

/** The standard pool fee: 25 / 10 000 of the input (22 to LPs, 3 taken later as protocol PnL). */
export const SWAP_FEE_NUMERATOR = 25n;
export const SWAP_FEE_DENOMINATOR = 10_000n;
