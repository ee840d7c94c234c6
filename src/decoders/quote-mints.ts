import { USD1_MINT, WSOL_MINT } from './launchlab/constants.ts';

export const USDC_MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';

/**
 * Mints that are the quote side of a pair whichever way a pool orders it: an AMM event is oriented so that
 * `mint` is the other side (the token) and `quoteMint` one of these.
 */
export const QUOTE_MINTS: ReadonlySet<string> = new Set([WSOL_MINT, USDC_MINT, USD1_MINT]);

/**
 * True when `a` is the token side of the pair (a, b): the side that is not a quote mint. When both or neither
 * are quote mints the smaller key (string order) is the token, so every event of one pool is oriented alike.
 */
export function isTokenSide(a: string, b: string): boolean {
  const aQuote = QUOTE_MINTS.has(a);
  return aQuote !== QUOTE_MINTS.has(b) ? !aQuote : a < b;
}
