import { eventDisc, instructionDisc } from '../anchor.ts';

/** PumpSwap (pump.fun's AMM, where graduated coins trade; spec §2.1, §4). One id for the whole codebase. */
export { PUMPSWAP_PROGRAM_ID } from '../pumpfun/constants.ts';
export const PUMPSWAP_EVENT_AUTHORITY = 'GS4CU59F31iL7aR2Q8zVS8DRrcRnXX1yjQ66TqNVQnaR';
/** The quote mints (shared with the Raydium AMM decoders): a pool whose base is one of these and whose quote is not is read the other way round. */
export { QUOTE_MINTS, USDC_MINT } from '../quote-mints.ts';

/** Every instruction of the IDL (npm @pump-fun/pump-sdk 2.0.0, pump_amm.json): coverage names them all. */
export const PUMPSWAP_IX_NAMES = [
  'admin_cto_pool',
  'admin_update_token_incentives',
  'boost_buy_and_burn',
  'buy',
  'buy_exact_quote_in',
  'claim_cashback',
  'claim_token_incentives',
  'close_user_volume_accumulator',
  'collect_coin_creator_fee',
  'create_config',
  'create_pool',
  'deposit',
  'disable',
  'extend_account',
  'init_boost',
  'init_user_volume_accumulator',
  'migrate_pool_coin_creator',
  'sell',
  'set_boost_authority',
  'set_coin_creator',
  'set_reserved_fee_recipients',
  'sync_user_volume_accumulator',
  'toggle_boost',
  'toggle_cashback_enabled',
  'toggle_mayhem_mode',
  'transfer_creator_fees_to_pump',
  'transfer_creator_fees_to_pump_v2',
  'update_admin',
  'update_buyback_config',
  'update_creator_fee_config',
  'update_fee_config',
  'withdraw',
] as const;
export type PumpSwapIxName = (typeof PUMPSWAP_IX_NAMES)[number];
export const PUMPSWAP_IX: ReadonlyArray<readonly [Uint8Array, PumpSwapIxName]> = PUMPSWAP_IX_NAMES.map((n) => [instructionDisc(n), n] as const);

/** Event discriminators the decoder reads (BuyEvent/SellEvent = 67f4521f2cf57777 / 3e2f370aa503dc2a). */
export const PUMPSWAP_EVENT = {
  CreatePoolEvent: eventDisc('CreatePoolEvent'),
  BuyEvent: eventDisc('BuyEvent'),
  SellEvent: eventDisc('SellEvent'),
  DepositEvent: eventDisc('DepositEvent'),
  WithdrawEvent: eventDisc('WithdrawEvent'),
} as const;

/** The IDL's other events: nothing this indexer stores (pool admin, fee claims, volume accounting, boost setup). */
export const PUMPSWAP_IGNORED_EVENTS = [
  'AdminCtoPoolEvent',
  'AdminUpdateTokenIncentivesEvent',
  'BoostBuyAndBurnEvent',
  'ClaimCashbackEvent',
  'ClaimTokenIncentivesEvent',
  'CloseUserVolumeAccumulatorEvent',
  'CollectCoinCreatorFeeEvent',
  'CreateConfigEvent',
  'DisableEvent',
  'ExtendAccountEvent',
  'InitBoostEvent',
  'InitUserVolumeAccumulatorEvent',
  'MigratePoolCoinCreatorEvent',
  'ReservedFeeRecipientsEvent',
  'SetBondingCurveCoinCreatorEvent',
  'SetBoostAuthorityEvent',
  'SetMetaplexCoinCreatorEvent',
  'SyncUserVolumeAccumulatorEvent',
  'UpdateAdminEvent',
  'UpdateCreatorFeeConfigEvent',
  'UpdateFeeConfigEvent',
] as const;
