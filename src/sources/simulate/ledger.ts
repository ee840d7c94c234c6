import { WSOL_MINT } from '../../decoders/launchlab/constants.ts';
import type { Key } from './keys.ts';

/** An SPL token account the simulator tracks (user ATAs, curve/pool vaults). */
export interface TokenAccount {
  readonly address: Key;
  readonly mint: string;
  readonly owner: string;
  readonly programId: string;
  readonly decimals: number;
  amount: bigint;
}

/**
 * Lamports and token balances of every account the simulated market touches. Consecutive transactions chain
 * exactly because each reads its pre-balances from here and writes its effects back. A transaction runs
 * between {@link begin} and {@link commit}: the journal keeps each touched account's value from before the
 * transaction (its pre-balance) and lets a failed transaction {@link rollback}. Accounts of retired tokens are
 * dropped ({@link forget}) to keep memory flat over long runs.
 */
export class Ledger {
  private readonly lamports = new Map<string, bigint>();
  private readonly tokens = new Map<string, TokenAccount>();
  private lamportJournal: Map<string, bigint> | null = null;
  /** Token amount before the transaction; null when the account did not exist yet. */
  private tokenJournal: Map<string, bigint | null> | null = null;

  begin(): void {
    this.lamportJournal = new Map();
    this.tokenJournal = new Map();
  }

  commit(): void {
    this.lamportJournal = null;
    this.tokenJournal = null;
  }

  /** Undoes everything since {@link begin} (the journal stays open for the fee that a failed tx still pays). */
  rollback(): void {
    for (const [address, value] of this.lamportJournal!) this.lamports.set(address, value);
    for (const [address, amount] of this.tokenJournal!) {
      if (amount === null) this.tokens.delete(address);
      else this.tokens.get(address)!.amount = amount;
    }
    this.begin();
  }

  lamportsOf(address: string): bigint {
    return this.lamports.get(address) ?? 0n;
  }

  /** The account's lamports when the current transaction began. */
  preLamportsOf(address: string): bigint {
    return this.lamportJournal?.get(address) ?? this.lamportsOf(address);
  }

  addLamports(address: string, delta: bigint): void {
    const before = this.lamportsOf(address);
    const after = before + delta;
    if (after < 0n) throw new Error(`simulator bug: negative lamports for ${address}`);
    if (this.lamportJournal && !this.lamportJournal.has(address)) this.lamportJournal.set(address, before);
    this.lamports.set(address, after);
  }

  /**
   * Funds that arrive from outside the simulated programs (an exchange withdrawal the indexer never sees):
   * applied as if before the current transaction, so they show in its pre-balances and survive a rollback.
   */
  deposit(address: string, lamports: bigint): void {
    this.lamports.set(address, this.lamportsOf(address) + lamports);
    const journal = this.lamportJournal;
    if (journal?.has(address)) journal.set(address, journal.get(address)! + lamports);
  }

  /** Opens a token account that existed before the current transaction (see {@link deposit}). */
  openExisting(account: Omit<TokenAccount, 'amount'>, amount: bigint, lamports: bigint): TokenAccount {
    const created: TokenAccount = { ...account, amount };
    this.tokens.set(account.address.b58, created);
    this.deposit(account.address.b58, lamports);
    return created;
  }

  /** Adds tokens that arrived from outside the simulated programs (see {@link deposit}). */
  depositTokens(account: TokenAccount, amount: bigint): void {
    account.amount += amount;
    const journal = this.tokenJournal;
    const before = journal?.get(account.address.b58);
    if (journal && typeof before === 'bigint') journal.set(account.address.b58, before + amount);
    if (account.mint === WSOL_MINT) this.deposit(account.address.b58, amount);
  }

  token(address: string): TokenAccount | undefined {
    return this.tokens.get(address);
  }

  /** The token account as it was when the current transaction began (undefined if it did not exist). */
  preTokenAmountOf(address: string): bigint | undefined {
    const journal = this.tokenJournal;
    if (journal?.has(address)) return journal.get(address) ?? undefined;
    return this.tokens.get(address)?.amount;
  }

  openToken(account: Omit<TokenAccount, 'amount'>, amount = 0n): TokenAccount {
    const created: TokenAccount = { ...account, amount };
    if (this.tokenJournal && !this.tokenJournal.has(account.address.b58)) this.tokenJournal.set(account.address.b58, null);
    this.tokens.set(account.address.b58, created);
    return created;
  }

  private touchToken(account: TokenAccount): void {
    if (this.tokenJournal && !this.tokenJournal.has(account.address.b58)) this.tokenJournal.set(account.address.b58, account.amount);
  }

  /** Mints (or, negative, burns) base units into a token account (wrapping lamports for wrapped SOL). */
  mintTokens(account: TokenAccount, amount: bigint): void {
    this.touchToken(account);
    account.amount += amount;
    if (account.mint === WSOL_MINT) this.addLamports(account.address.b58, amount);
  }

  /** Moves `amount` base units between two token accounts of the same mint. */
  moveTokens(from: TokenAccount, to: TokenAccount, amount: bigint): void {
    if (from.amount < amount) throw new Error(`simulator bug: token underflow on ${from.address.b58}`);
    this.touchToken(from);
    this.touchToken(to);
    from.amount -= amount;
    to.amount += amount;
    if (from.mint === WSOL_MINT) {
      // A wrapped-SOL account's lamports are its rent plus its token amount.
      this.addLamports(from.address.b58, -amount);
      this.addLamports(to.address.b58, amount);
    }
  }

  forget(address: string): void {
    this.lamports.delete(address);
    this.tokens.delete(address);
  }

  get size(): number {
    return this.lamports.size + this.tokens.size;
  }
}
