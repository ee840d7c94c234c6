import {
  LAUNCHLAB_EVENT_AUTHORITY,
  LAUNCHLAB_PROGRAM_ID,
  LAUNCHLAB_VAULT_AUTHORITY,
  RAYDIUM_AMM_V4_PROGRAM_ID,
  RAYDIUM_CPMM_PROGRAM_ID,
  USD1_MINT,
  WSOL_MINT,
} from '../../decoders/launchlab/constants.ts';
import {
  PUMPFUN_EVENT_AUTHORITY,
  PUMPFUN_GLOBAL,
  PUMPFUN_MINT_AUTHORITY,
  PUMPFUN_PROGRAM_ID,
  PUMPSWAP_PROGRAM_ID,
} from '../../decoders/pumpfun/constants.ts';
import { knownKey, newKey, type Key } from './keys.ts';
import { Rng } from './rng.ts';

/** Accounts whose address is not published in the spec get a fixed pseudo-address (same for every seed). */
const fixed = (label: string): Key => newKey(new Rng(`megatron-sim:${label}`));

/** Runtime programs and sysvars. */
export const SYSTEM = knownKey('11111111111111111111111111111111');
export const COMPUTE_BUDGET = knownKey('ComputeBudget111111111111111111111111111111');
export const TOKEN = knownKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
export const TOKEN_2022 = knownKey('TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb');
export const ATA = knownKey('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL');
export const METAPLEX = knownKey('metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s');
export const RENT = knownKey('SysvarRent111111111111111111111111111111111');
/** Jupiter v6: the router whose CPIs into the launchpads the simulator imitates. */
export const ROUTER = knownKey('JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4');

/** pump.fun (spec §2.1). */
export const PUMP = {
  program: knownKey(PUMPFUN_PROGRAM_ID),
  eventAuthority: knownKey(PUMPFUN_EVENT_AUTHORITY),
  global: knownKey(PUMPFUN_GLOBAL),
  mintAuthority: knownKey(PUMPFUN_MINT_AUTHORITY),
  feeProgram: knownKey('pfeeUxB6jkeY1Hxd7CsFCAjcbHA9rWtchMGdZ6VojVZ'),
  feeRecipient: knownKey('62qc2CNXwrYqQScmEdiZFFAnJR262PxWEuNQtxfafNgV'),
  mayhemProgram: knownKey('MAyhSmzXzV1pTf7LsNkrNwkWKTo4ougAJ1PPg47MD4e'),
  withdrawAuthority: knownKey('39azUYFWPz3VHgKCf3VChUwbpURdCHRxjWVowf5jUJjg'),
  feeConfig: fixed('pump:fee_config'),
  globalVolumeAccumulator: fixed('pump:global_volume_accumulator'),
  globalParams: fixed('pump:global_params'),
  solVault: fixed('pump:sol_vault'),
  mayhemState: fixed('pump:mayhem_state'),
  mayhemTokenVault: fixed('pump:mayhem_token_vault'),
  migrationKeeper: fixed('pump:migration_keeper'),
  amm: knownKey(PUMPSWAP_PROGRAM_ID),
  ammEventAuthority: knownKey('GS4CU59F31iL7aR2Q8zVS8DRrcRnXX1yjQ66TqNVQnaR'),
  ammGlobalConfig: knownKey('ADyA8hdefvWN2dbGGWFotbzWxrAvLW83WG6QCVXvJKqw'),
} as const;

/** Raydium LaunchLab (spec §3.1). */
export const LAUNCHLAB = {
  program: knownKey(LAUNCHLAB_PROGRAM_ID),
  eventAuthority: knownKey(LAUNCHLAB_EVENT_AUTHORITY),
  authority: knownKey(LAUNCHLAB_VAULT_AUTHORITY),
  platformConfig: knownKey('4Bu96XjU84XjPDSpveTVf6LYGCkfW5FK7SNkREWcEfV4'),
  globalConfigWsol: fixed('launchlab:global_config:wsol'),
  globalConfigUsd1: fixed('launchlab:global_config:usd1'),
  migrator: fixed('launchlab:migrate_wallet'),
  cpmm: knownKey(RAYDIUM_CPMM_PROGRAM_ID),
  ammV4: knownKey(RAYDIUM_AMM_V4_PROGRAM_ID),
  cpmmConfig: fixed('cpmm:config'),
  cpmmAuthority: fixed('cpmm:authority'),
  ammAuthority: fixed('amm:authority'),
} as const;

export const WSOL = knownKey(WSOL_MINT);
export const USD1 = knownKey(USD1_MINT);

/** Lamports the runtime reports for accounts the simulator never changes. */
export const STATIC_LAMPORTS: ReadonlyArray<[Key, bigint]> = [
  [SYSTEM, 1n],
  [COMPUTE_BUDGET, 1n],
  [TOKEN, 934_087_680n],
  [TOKEN_2022, 1_141_440n],
  [ATA, 731_913_600n],
  [METAPLEX, 1_141_440n],
  [RENT, 1_009_200n],
  [ROUTER, 1_141_440n],
  [PUMP.program, 1_141_440n],
  [PUMP.eventAuthority, 0n],
  [PUMP.global, 8_530_000n],
  [PUMP.mintAuthority, 1_461_600n],
  [PUMP.feeProgram, 1_141_440n],
  [PUMP.feeRecipient, 716_140_907_147n],
  [PUMP.feeConfig, 11_149_834n],
  [PUMP.globalVolumeAccumulator, 2_547_360n],
  [PUMP.amm, 1_141_440n],
  [PUMP.ammGlobalConfig, 2_074_080n],
  [PUMP.migrationKeeper, 2_500_000_000_000n],
  [LAUNCHLAB.program, 1_141_440n],
  [LAUNCHLAB.eventAuthority, 0n],
  [LAUNCHLAB.authority, 0n],
  [LAUNCHLAB.platformConfig, 7_461_120n],
  [LAUNCHLAB.globalConfigWsol, 3_473_040n],
  [LAUNCHLAB.globalConfigUsd1, 3_473_040n],
  [LAUNCHLAB.migrator, 900_000_000_000n],
  [WSOL, 1_200_000_000n],
  [USD1, 1_461_600n],
];

/**
 * Entries of the simulated wallets' address lookup table (fixed accounts only, as real wallets do); each key
 * knows its position ({@link Key.tableIndex}).
 */
export const LOOKUP_TABLE_KEYS: readonly Key[] = [
  SYSTEM, TOKEN, TOKEN_2022, ATA, RENT,
  PUMP.global, PUMP.eventAuthority, PUMP.feeProgram, PUMP.feeConfig, PUMP.globalVolumeAccumulator, PUMP.feeRecipient,
  LAUNCHLAB.eventAuthority, LAUNCHLAB.authority, LAUNCHLAB.platformConfig, LAUNCHLAB.globalConfigWsol, LAUNCHLAB.globalConfigUsd1,
  WSOL, USD1,
];
LOOKUP_TABLE_KEYS.forEach((key, i) => (key.tableIndex = i));

/** Rent-exempt minimums the runtime charges when accounts are created. */
export const RENT_TOKEN_ACCOUNT = 2_039_280n;
export const RENT_TOKEN_2022_ACCOUNT = 2_074_080n;
export const RENT_MINT = 1_461_600n;
