import type { RawInstruction, RawTx } from '../core/rawtx.ts';
import type { DecodeProblem, EventLocation, LaunchpadEvent, Platform } from '../core/events.ts';

/**
 * One launchpad instruction and the events it emitted. ix is null when only logs were available and the
 * instruction was a CPI (logs carry no instruction bytes).
 */
export interface Invocation {
  ixIndex: number;
  innerIxIndex: number;
  ix: RawInstruction | null;
  /** Event blobs: discriminator (8) ‖ payload, in emission order (a decoder's `logEventPrefix` lines: their own format). */
  events: Uint8Array[];
}

/** Accounts a trade was verified against (vaults / curve accounts), kept beside the event. */
export interface TradeAccounts {
  /** Token account(s) holding the curve's base: owner for pump.fun (bonding curve), the vault for LaunchLab. */
  baseHolder: { owner: string } | { account: string };
  quoteHolder: { lamportsOf: string } | { owner: string } | { account: string } | null;
  /** The trader's base token account named by the instruction (checked when transfers are exact). */
  userBase: string | null;
  /**
   * AMM pools: the exact change of the base (token) and quote holders, when the decoder knows it and the
   * curve rule (∓tokenAmount, ±solAmount) does not hold — the LP fee stays in the pool's fee-side vault.
   */
  poolDelta?: { base: bigint; quote: bigint };
}

/** Per-transaction state shared by the program decoders. */
export class DecodeContext {
  readonly events: LaunchpadEvent[] = [];
  readonly problems: DecodeProblem[] = [];
  readonly tradeAccounts = new Map<LaunchpadEvent, TradeAccounts>();
  /** Curves whose lamports an instruction of this transaction changed for rent (create, extend): see verify.ts. */
  readonly rentTouched = new Set<string>();
  /** LaunchLab curve types of pools created earlier in this transaction. */
  readonly curveTypes = new Map<string, 'constant' | 'fixed' | 'linear'>();
  private decimals: Map<string, number> | null = null;

  constructor(readonly tx: RawTx) {}

  /**
   * The event's location fields. Spread it LAST into the event literal: V8 (Node 20) builds an object whose
   * literal starts with a spread and continues with ~20 fields in ~30 µs (vs ~0.1 µs when the spread ends it).
   */
  location(program: Platform, inv: Invocation, fallbackTime: number | null = null): EventLocation {
    return {
      program,
      signature: this.tx.signature,
      slot: this.tx.slot,
      blockTime: this.tx.blockTime ?? fallbackTime,
      ixIndex: inv.ixIndex,
      innerIxIndex: inv.innerIxIndex,
    };
  }

  problem(
    program: Platform,
    inv: Pick<Invocation, 'ixIndex' | 'innerIxIndex'>,
    kind: DecodeProblem['kind'],
    severity: DecodeProblem['severity'],
    message: string,
    check?: DecodeProblem['check'],
  ): void {
    const problem: DecodeProblem = { kind, severity, program, ixIndex: inv.ixIndex, innerIxIndex: inv.innerIxIndex, message };
    if (check) problem.check = check;
    this.problems.push(problem);
  }

  /** The key at position `n` of an instruction's account list, or null when absent. */
  account(ix: RawInstruction | null, n: number): string | null {
    const index = ix?.accounts[n];
    return index === undefined ? null : (this.tx.accountKeys[index] ?? null);
  }

  /** Token program of a mint as the token balances report it. */
  tokenProgramOf(mint: string): string | null {
    for (const b of this.tx.postTokenBalances) if (b.mint === mint && b.programId) return b.programId;
    for (const b of this.tx.preTokenBalances) if (b.mint === mint && b.programId) return b.programId;
    return null;
  }

  /** Decimals of a mint as the transaction's token balances report them. */
  mintDecimals(mint: string): number | null {
    if (this.decimals === null) {
      this.decimals = new Map();
      for (const b of this.tx.preTokenBalances) this.decimals.set(b.mint, b.decimals);
      for (const b of this.tx.postTokenBalances) this.decimals.set(b.mint, b.decimals);
    }
    return this.decimals.get(mint) ?? null;
  }
}

/** What a program decoder implements; the registry in index.ts keys these by program id. */
export interface ProgramDecoder {
  readonly programId: string;
  readonly platform: Platform;
  /** The `__event_authority` PDA that signs the program's self-CPI events (null: the program emits none). */
  readonly eventAuthority: string | null;
  /**
   * Programs without self-CPI events (eventAuthority null) log them instead: `Program data: <base64>` (Anchor
   * `emit!`) is read for every program; this names one more prefix whose base64 remainder is an event blob of the
   * program (Raydium AMM v4: `Program log: ray_log: `, a bincode record, not discriminator ‖ payload).
   */
  readonly logEventPrefix?: string;
  /** The instruction's name from its data (discriminator or tag), or null when unknown: the coverage metric's label. */
  instructionName(data: Uint8Array): string | null;
  decode(inv: Invocation, ctx: DecodeContext): void;
}
