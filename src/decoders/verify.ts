import type { TradeEvent } from '../core/events.ts';
import type { RawTokenBalance } from '../core/rawtx.ts';
import type { DecodeContext, TradeAccounts } from './context.ts';

/**
 * Self-verification (issue item 6): what a transaction's trade events claim must match the balance
 * changes its metadata reports. Trades on the same account are summed first (bundles, buy+sell in one tx).
 * Checked: the curve's base holding (pump.fun: token account owned by the bonding curve; LaunchLab: base
 * vault) — plus the supply minted into it when the token was created in the same transaction; the curve's
 * quote holding (pump.fun SOL: the curve's lamports, plus a whole rent deposit when create/extend_account paid one;
 * LaunchLab: the quote vault, which keeps the protocol fee — and, on older program versions, the platform
 * fee — until claimed); the trader's base token account named by the instruction. A mismatch becomes a
 * `verification_mismatch` problem with both figures; a check whose accounts are absent from the balances is
 * skipped, not passed.
 */
export function verifyTrades(ctx: DecodeContext): void {
  checksRentSlack.clear();
  const checks = new Map<string, Check>();
  const add = (key: string, trade: TradeEvent, amounts: bigint[], what: string, actual: () => bigint | null) => {
    const c = checks.get(key);
    if (c) c.expected = c.expected.map((e, i) => e + (amounts[i] ?? amounts[0]!));
    else checks.set(key, { first: trade, expected: amounts, actual, what });
  };
  const minted = mintedSupply(ctx);
  for (const event of ctx.events) {
    if (event.type !== 'trade') continue;
    const accounts = ctx.tradeAccounts.get(event);
    if (!accounts) continue;
    const sign = event.side === 'buy' ? 1n : -1n;
    const base = accounts.baseHolder;
    const baseId = 'owner' in base ? base.owner : base.account;
    const baseKey = `base:${baseId}:${event.mint}`;
    const supply = minted.get(event.mint);
    // A 2024 CreateEvent does not state the supply minted into the curve: that holding cannot be checked.
    if (supply !== null) {
      if (supply !== undefined && !checks.has(baseKey)) add(baseKey, event, [supply], `base held by ${baseId}`, () => tokenDelta(ctx, base, event.mint));
      add(baseKey, event, [-sign * event.tokenAmount], `base held by ${baseId}`, () => tokenDelta(ctx, base, event.mint));
    }
    addQuote(ctx, event, accounts.quoteHolder, sign, add);
    const userBase = accounts.userBase;
    if (userBase !== null) {
      add(`user:${userBase}:${event.mint}`, event, [sign * event.tokenAmount], `trader token account ${userBase}`, () =>
        tokenDelta(ctx, { account: userBase }, event.mint),
      );
    }
  }
  for (const [key, c] of checks) {
    const actual = c.actual();
    if (actual === null || c.expected.includes(actual)) continue;
    if (checksRentSlack.has(key) && isRentDeposit(actual - c.expected[0]!)) continue;
    ctx.problem(
      c.first.program,
      c.first,
      'verification_mismatch',
      'quarantine',
      `${c.what}: balances changed by ${actual}, events say ${c.expected.join(' or ')}`,
    );
  }
}

/** Curves that also received rent in this transaction (create, extend_account). */
const checksRentSlack = new Set<string>();
/** Rent-exemption is (128 + data bytes) × 6 960 lamports; a create/extend deposits a whole number of bytes' worth. */
const RENT_PER_BYTE = 6_960n;
const MAX_RENT_BYTES = 128n + 512n;

function isRentDeposit(extra: bigint): boolean {
  return extra > 0n && extra % RENT_PER_BYTE === 0n && extra <= MAX_RENT_BYTES * RENT_PER_BYTE;
}

interface Check {
  first: TradeEvent;
  /** Acceptable totals (one per accepted accounting variant). */
  expected: bigint[];
  actual: () => bigint | null;
  what: string;
}

type Add = (key: string, trade: TradeEvent, amounts: bigint[], what: string, actual: () => bigint | null) => void;

/** Mints created in this transaction and the supply minted to their curve (null when the event omits it). */
function mintedSupply(ctx: DecodeContext): Map<string, bigint | null> {
  const out = new Map<string, bigint | null>();
  for (const e of ctx.events) {
    if (e.type === 'token_created') out.set(e.mint, e.totalSupply);
    else if (e.type === 'pool_created') out.set(e.mint, e.supply - e.vestingTotalLocked);
  }
  return out;
}

function addQuote(ctx: DecodeContext, trade: TradeEvent, holder: TradeAccounts['quoteHolder'], sign: bigint, add: Add): void {
  if (holder === null) return;
  if ('lamportsOf' in holder) {
    add(`sol:${holder.lamportsOf}`, trade, [sign * trade.solAmount], `lamports of curve ${holder.lamportsOf}`, () =>
      lamportDelta(ctx, holder.lamportsOf),
    );
    if (ctx.rentTouched.has(holder.lamportsOf)) checksRentSlack.add(`sol:${holder.lamportsOf}`);
    return;
  }
  const moved = sign * trade.solAmount;
  const amounts = trade.program === 'launchlab' ? [moved + trade.protocolFee, moved + trade.protocolFee + trade.platformFee] : [moved];
  const id = 'owner' in holder ? holder.owner : holder.account;
  add(`quote:${id}:${trade.quoteMint}`, trade, amounts, `quote held by ${id}`, () => tokenDelta(ctx, holder, trade.quoteMint));
}

function tokenDelta(ctx: DecodeContext, holder: { owner: string } | { account: string }, mint: string): bigint | null {
  const matches = (b: RawTokenBalance) =>
    b.mint === mint && ('owner' in holder ? b.owner === holder.owner : ctx.tx.accountKeys[b.accountIndex] === holder.account);
  let seen = false;
  let delta = 0n;
  for (const [list, sign] of [
    [ctx.tx.postTokenBalances, 1n],
    [ctx.tx.preTokenBalances, -1n],
  ] as const) {
    for (const b of list) {
      if (!matches(b)) continue;
      seen = true;
      delta += sign * b.amount;
    }
  }
  return seen ? delta : null;
}

function lamportDelta(ctx: DecodeContext, account: string): bigint | null {
  const i = ctx.tx.accountKeys.indexOf(account);
  const pre = ctx.tx.preBalances[i];
  const post = ctx.tx.postBalances[i];
  if (i < 0 || pre === undefined || post === undefined) return null;
  return post - pre;
}
