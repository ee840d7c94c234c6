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

/** One account's balances in one {@link Ledger}, with the journal entries of the open transaction. */
export class AccountState {
  lamports = 0n;
  tokenAccount: TokenAccount | null = null;
  /** Transaction in which {@link preLamports} was journaled. */
  lamportJournal = 0;
  preLamports = 0n;
  /** Transaction in which {@link preTokenAmount} was journaled (null: the token account was opened in it). */
  tokenJournal = 0;
  preTokenAmount: bigint | null = null;
}

/**
 * Lamports and token balances of every account the simulated market touches. Consecutive transactions chain
 * exactly because each reads its pre-balances from here and writes its effects back. A transaction runs
 * between {@link begin} and {@link commit}: the journal keeps each touched account's value from before the
 * transaction (its pre-balance) and lets a failed transaction {@link rollback}. Each account's state is found
 * through its {@link Key} object, which caches the state of the ledger that touched it last (the fixed
 * program accounts are shared by every market in the process; the map decides for them). Accounts of retired
 * tokens are dropped ({@link forget}) to keep memory flat over long runs.
 */
export class Ledger {
  private readonly accounts = new Map<Key, AccountState>();
  /** Serial of the open transaction; 0 outside one. Journal marks of other serials are stale. */
  private open = 0;
  private serial = 0;
  private readonly lamportsTouched: AccountState[] = [];
  private readonly tokensTouched: AccountState[] = [];

  begin(): void {
    this.open = ++this.serial;
    this.lamportsTouched.length = 0;
    this.tokensTouched.length = 0;
  }

  commit(): void {
    this.open = 0;
  }

  /** Undoes everything since {@link begin} (the journal stays open for the fee that a failed tx still pays). */
  rollback(): void {
    for (const s of this.lamportsTouched) s.lamports = s.preLamports;
    for (const s of this.tokensTouched) {
      const amount = s.preTokenAmount;
      if (amount === null) s.tokenAccount = null;
      else s.tokenAccount!.amount = amount;
    }
    this.begin();
  }

  /** The account's state here, created on first write. */
  private state(key: Key): AccountState {
    if (key.ledger === this) return key.state!;
    let s = this.accounts.get(key);
    if (s === undefined) {
      s = new AccountState();
      this.accounts.set(key, s);
    }
    key.ledger = this;
    key.state = s;
    return s;
  }

  /** The account's state here, or null when it holds nothing (reads never create one). */
  private peek(key: Key): AccountState | null {
    return key.ledger === this ? key.state : (this.accounts.get(key) ?? null);
  }

  lamportsOf(key: Key): bigint {
    return this.peek(key)?.lamports ?? 0n;
  }

  /** The account's lamports when the current transaction began. */
  preLamportsOf(key: Key): bigint {
    const s = this.peek(key);
    if (s === null) return 0n;
    return this.open !== 0 && s.lamportJournal === this.open ? s.preLamports : s.lamports;
  }

  addLamports(key: Key, delta: bigint): void {
    const s = this.state(key);
    const before = s.lamports;
    const after = before + delta;
    if (after < 0n) throw new Error(`simulator bug: negative lamports for ${key.b58}`);
    if (this.open !== 0 && s.lamportJournal !== this.open) {
      s.lamportJournal = this.open;
      s.preLamports = before;
      this.lamportsTouched.push(s);
    }
    s.lamports = after;
  }

  /**
   * Funds that arrive from outside the simulated programs (an exchange withdrawal the indexer never sees):
   * applied as if before the current transaction, so they show in its pre-balances and survive a rollback.
   */
  deposit(key: Key, lamports: bigint): void {
    const s = this.state(key);
    s.lamports += lamports;
    if (this.open !== 0 && s.lamportJournal === this.open) s.preLamports += lamports;
  }

  /** Opens a token account that existed before the current transaction (see {@link deposit}). */
  openExisting(account: Omit<TokenAccount, 'amount'>, amount: bigint, lamports: bigint): TokenAccount {
    const created: TokenAccount = { ...account, amount };
    this.state(account.address).tokenAccount = created;
    this.deposit(account.address, lamports);
    return created;
  }

  /** Adds tokens that arrived from outside the simulated programs (see {@link deposit}). */
  depositTokens(account: TokenAccount, amount: bigint): void {
    account.amount += amount;
    const s = this.state(account.address);
    if (this.open !== 0 && s.tokenJournal === this.open && s.preTokenAmount !== null) s.preTokenAmount += amount;
    if (account.mint === WSOL_MINT) this.deposit(account.address, amount);
  }

  token(key: Key): TokenAccount | undefined {
    return this.peek(key)?.tokenAccount ?? undefined;
  }

  /** The token account as it was when the current transaction began (undefined if it did not exist). */
  preTokenAmountOf(key: Key): bigint | undefined {
    const s = this.peek(key);
    if (s === null) return undefined;
    if (this.open !== 0 && s.tokenJournal === this.open) return s.preTokenAmount ?? undefined;
    return s.tokenAccount?.amount;
  }

  openToken(account: Omit<TokenAccount, 'amount'>, amount = 0n): TokenAccount {
    const created: TokenAccount = { ...account, amount };
    const s = this.state(account.address);
    if (this.open !== 0 && s.tokenJournal !== this.open) this.journalToken(s, null);
    s.tokenAccount = created;
    return created;
  }

  private journalToken(s: AccountState, before: bigint | null): void {
    s.tokenJournal = this.open;
    s.preTokenAmount = before;
    this.tokensTouched.push(s);
  }

  private touchToken(account: TokenAccount): void {
    if (this.open === 0) return;
    const s = this.state(account.address);
    if (s.tokenJournal !== this.open) this.journalToken(s, account.amount);
  }

  /** Mints (or, negative, burns) base units into a token account (wrapping lamports for wrapped SOL). */
  mintTokens(account: TokenAccount, amount: bigint): void {
    this.touchToken(account);
    account.amount += amount;
    if (account.mint === WSOL_MINT) this.addLamports(account.address, amount);
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
      this.addLamports(from.address, -amount);
      this.addLamports(to.address, amount);
    }
  }

  forget(key: Key): void {
    this.accounts.delete(key);
    if (key.ledger === this) {
      key.ledger = null;
      key.state = null;
    }
  }

  /** How many accounts the ledger holds (bounded over long runs). */
  get size(): number {
    return this.accounts.size;
  }
}
