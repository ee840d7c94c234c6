import { eventDisc, instructionDisc } from '../anchor.ts';

/** Raydium LaunchLab program and its fixed accounts (spec §3.1). */
export const LAUNCHLAB_PROGRAM_ID = 'LanMV9sAd7wArD4vJFi2qDdfnVhFxYSUg6eADduJ3uj';
export const LAUNCHLAB_EVENT_AUTHORITY = '2DPAtwB8L12vrMRExbLuyGnC7n2J5LNoZQSejeQGpwkr';
export const LAUNCHLAB_VAULT_AUTHORITY = 'WLHv2UAZm6z4KyaaELi5pjdbJh6RESMva1Rnn8pJVVh';
export const WSOL_MINT = 'So11111111111111111111111111111111111111112';
export const USD1_MINT = 'USD1ttGY1N17NEEHLmELoaybftRBUSErhqYiQzvEmuB';
export const RAYDIUM_AMM_V4_PROGRAM_ID = '675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8';
export const RAYDIUM_CPMM_PROGRAM_ID = 'CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C';

/** Instruction discriminators by name (spec §3.2). */
export const LAUNCHLAB_IX = {
  initialize: instructionDisc('initialize'),
  initialize_v2: instructionDisc('initialize_v2'),
  initialize_with_token_2022: instructionDisc('initialize_with_token_2022'),
  buy_exact_in: instructionDisc('buy_exact_in'),
  buy_exact_out: instructionDisc('buy_exact_out'),
  sell_exact_in: instructionDisc('sell_exact_in'),
  sell_exact_out: instructionDisc('sell_exact_out'),
  migrate_to_amm: instructionDisc('migrate_to_amm'),
  migrate_to_cpswap: instructionDisc('migrate_to_cpswap'),
} as const;

/** Event discriminators by struct name (spec §3.3). TradeEvent's equals pump.fun's: key on the emitting program. */
export const LAUNCHLAB_EVENT = {
  PoolCreateEvent: eventDisc('PoolCreateEvent'),
  TradeEvent: eventDisc('TradeEvent'),
} as const;
