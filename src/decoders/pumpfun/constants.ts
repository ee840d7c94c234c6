import { eventDisc, instructionDisc } from '../anchor.ts';

/** pump.fun bonding-curve program and its fixed accounts (spec §2.1). */
export const PUMPFUN_PROGRAM_ID = '6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P';
export const PUMPFUN_EVENT_AUTHORITY = 'Ce6TQqeHC9p8KetsN6JsjHK7UTZk7nasjjnr7XxXp9F1';
export const PUMPFUN_GLOBAL = '4wTV1YmiEkRvAtNtsSGPtUrqRYQMe5SKy2uB4Jjaxnjf';
export const PUMPFUN_MINT_AUTHORITY = 'TSLvdd1pWpHVjahSpsvCXUbgwsL3JAcvokwaKt1eokM';
export const PUMPSWAP_PROGRAM_ID = 'pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA';

/** Instruction discriminators by name (spec §2.2). */
export const PUMPFUN_IX = {
  create: instructionDisc('create'),
  create_v2: instructionDisc('create_v2'),
  buy: instructionDisc('buy'),
  sell: instructionDisc('sell'),
  buy_exact_sol_in: instructionDisc('buy_exact_sol_in'),
  buy_v2: instructionDisc('buy_v2'),
  buy_exact_quote_in_v2: instructionDisc('buy_exact_quote_in_v2'),
  sell_v2: instructionDisc('sell_v2'),
  migrate: instructionDisc('migrate'),
  migrate_v2: instructionDisc('migrate_v2'),
} as const;

/** Event discriminators by struct name (spec §2.3). */
export const PUMPFUN_EVENT = {
  CreateEvent: eventDisc('CreateEvent'),
  TradeEvent: eventDisc('TradeEvent'),
  CompleteEvent: eventDisc('CompleteEvent'),
  CompletePumpAmmMigrationEvent: eventDisc('CompletePumpAmmMigrationEvent'),
} as const;
