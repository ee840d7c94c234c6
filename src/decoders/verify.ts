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
 * fee — until claimed); an AMM pool's two vaults by the exact change its decoder states (TradeAccounts.poolDelta:
 * the LP fee stays in the pool); the trader's base token account named by the instruction. A mismatch becomes a
 * `verification_mismatch` problem of severity `flag` with both figures (the events stay: they are the program's
 * own record); a check whose accounts are absent from the balances is skipped, not passed.
 */
export function verifyTrades(ctx: DecodeContext): void {
  const checks = new Map<string, Check>();
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
      const holding: Holding = { holder: base, mint: event.mint };
      if (supply !== undefined && !checks.has(baseKey)) add(checks, baseKey, event, [supply], `base held by ${baseId}`, holding);
      add(checks, baseKey, event, [accounts.poolDelta?.base ?? -sign * event.tokenAmount], `base held by ${baseId}`, holding);
    }
    addQuote(ctx, checks, event, accounts, sign);
    const userBase = accounts.userBase;
    if (userBase !== null) {
      add(checks, `user:${userBase}:${event.mint}`, event, [sign * event.tokenAmount], `trader token account ${userBase}`, {
        holder: { account: userBase },
        mint: event.mint,
      });
    }
  }
  accountForMigrations(ctx, checks);
  for (const c of checks.values()) {
    const actual = 'lamportsOf' in c.holding ? lamportDelta(ctx, c.holding.lamportsOf) : tokenDelta(ctx, c.holding.holder, c.holding.mint);
    if (actual === null || c.expected.includes(actual)) continue;
    if (c.rentSlack && 'lamportsOf' in c.holding && isRentDeposit(actual - c.expected[0]!, preLamports(ctx, c.holding.lamportsOf))) continue;
    // The events are the program's own account of the trade: they are kept, the disagreement is flagged.
    ctx.problem(
      c.first.program,
      c.first,
      'verification_mismatch',
      'flag',
      `${c.what}: balances changed by ${actual}, events say ${c.expected.join(' or ')}`,
      { subject: c.what, expected: c.expected.map(String), actual: String(actual) },
    );
  }
}

/**
 * A migration in the same transaction as the curve's last trades (complete + migrate) empties the curve: its
 * tokens leave by the migrated amount (pump.fun's bonding curve holding, checked exactly), its quote by
 * amounts the events do not fully state (the migration fee): those checks are skipped, not passed.
 */
function accountForMigrations(ctx: DecodeContext, checks: Map<string, Check>): void {
  for (const e of ctx.events) {
    if (e.type !== 'migrated') continue;
    for (const [key, c] of checks) {
      if (c.first.pool !== e.pool || key.startsWith('user:')) continue;
      const exactBase = key === `base:${e.pool}:${e.mint}` && e.baseAmount !== null;
      if (exactBase) c.expected = c.expected.map((v) => v - e.baseAmount!);
      else checks.delete(key);
    }
  }
}

/** Rent-exemption is (128 + data bytes) × 6 960 lamports. */
const RENT_PER_BYTE = 6_960n;
const MAX_RENT_BYTES = 128n + 512n;

/**
 * True when `extra` lamports beyond the trades are a rent deposit of a create / extend_account: a whole
 * number of bytes' worth — or, when the account already held lamports (anyone may pre-fund a PDA before it
 * is created), what tops those up to a whole rent-exempt balance (Anchor `init` transfers only
 * rent − existing lamports).
 */
function isRentDeposit(extra: bigint, pre: bigint | null): boolean {
  if (extra <= 0n) return false;
  const isWholeRent = (v: bigint): boolean => v % RENT_PER_BYTE === 0n && v <= MAX_RENT_BYTES * RENT_PER_BYTE;
  return isWholeRent(extra) || (pre !== null && pre > 0n && isWholeRent(pre + extra));
}

function preLamports(ctx: DecodeContext, account: string): bigint | null {
  return ctx.tx.preBalances[ctx.tx.accountKeys.indexOf(account)] ?? null;
}

/** A balance the transaction's metadata reports: a mint held by an account (or owner), or an account's lamports. */
type Holding = { holder: { owner: string } | { account: string }; mint: string } | { lamportsOf: string };

interface Check {
  first: TradeEvent;
  /** Acceptable totals (one per accepted accounting variant). */
  expected: bigint[];
  holding: Holding;
  what: string;
  /** The curve also received rent in this transaction (create, extend_account): a whole deposit is allowed. */
  rentSlack: boolean;
}

/** Adds a trade's expected change to the check of one holding; trades on the same holding are summed. */
function add(checks: Map<string, Check>, key: string, trade: TradeEvent, amounts: bigint[], what: string, holding: Holding): void {
  const c = checks.get(key);
  if (c) c.expected = c.expected.map((e, i) => e + (amounts[i] ?? amounts[0]!));
  else checks.set(key, { first: trade, expected: amounts, holding, what, rentSlack: false });
}

/** Mints created in this transaction and the supply minted to their curve (null when the event omits it). */
function mintedSupply(ctx: DecodeContext): Map<string, bigint | null> {
  const out = new Map<string, bigint | null>();
  for (const e of ctx.events) {
    if (e.type === 'token_created') out.set(e.mint, e.totalSupply);
    else if (e.type === 'pool_created') out.set(e.mint, e.supply - e.vestingTotalLocked);
  }
  return out;
}

function addQuote(ctx: DecodeContext, checks: Map<string, Check>, trade: TradeEvent, accounts: TradeAccounts, sign: bigint): void {
  const holder = accounts.quoteHolder;
  if (holder === null) return;
  if ('lamportsOf' in holder) {
    const key = `sol:${holder.lamportsOf}`;
    add(checks, key, trade, [sign * trade.solAmount], `lamports of curve ${holder.lamportsOf}`, holder);
    if (ctx.rentTouched.has(holder.lamportsOf)) checks.get(key)!.rentSlack = true;
    return;
  }
  const moved = sign * trade.solAmount;
  const amounts = accounts.poolDelta
    ? [accounts.poolDelta.quote]
    : trade.program === 'launchlab'
      ? [moved + trade.protocolFee, moved + trade.protocolFee + trade.platformFee]
      : [moved];
  const id = 'owner' in holder ? holder.owner : holder.account;
  add(checks, `quote:${id}:${trade.quoteMint}`, trade, amounts, `quote held by ${id}`, { holder, mint: trade.quoteMint });
}

/** post − pre of the holder's balances in the mint; null when neither list mentions them. */
function tokenDelta(ctx: DecodeContext, holder: { owner: string } | { account: string }, mint: string): bigint | null {
  const post = sumHeld(ctx, ctx.tx.postTokenBalances, holder, mint);
  const pre = sumHeld(ctx, ctx.tx.preTokenBalances, holder, mint);
  if (post === null && pre === null) return null;
  return (post ?? 0n) - (pre ?? 0n);
}

function sumHeld(ctx: DecodeContext, list: RawTokenBalance[], holder: { owner: string } | { account: string }, mint: string): bigint | null {
  const owner = 'owner' in holder ? holder.owner : null;
  const account = 'account' in holder ? holder.account : null;
  let sum: bigint | null = null;
  for (const b of list) {
    if (b.mint !== mint) continue;
    if (owner !== null ? b.owner !== owner : ctx.tx.accountKeys[b.accountIndex] !== account) continue;
    sum = (sum ?? 0n) + b.amount;
  }
  return sum;
}

function lamportDelta(ctx: DecodeContext, account: string): bigint | null {
  const i = ctx.tx.accountKeys.indexOf(account);
  const pre = ctx.tx.preBalances[i];
  const post = ctx.tx.postBalances[i];
  if (i < 0 || pre === undefined || post === undefined) return null;
  return post - pre;
}
