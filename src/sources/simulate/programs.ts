import { EVENT_CPI_TAG } from '../../decoders/anchor.ts';
import { ATA, COMPUTE_BUDGET, TOKEN, RENT_TOKEN_2022_ACCOUNT, RENT_TOKEN_ACCOUNT, SYSTEM, TOKEN_2022 } from './accounts.ts';
import { BorshWriter, concatBytes } from './borsh.ts';
import type { Key } from './keys.ts';
import type { Ledger, TokenAccount } from './ledger.ts';
import { r, w, ws, type Invocation } from './tx.ts';

// Metas of CPIs never carry signer flags: PDAs sign inside the runtime and the message header counts only
// top-level signers, which the calling instruction already registered.

/**
 * Invocations of the runtime's own programs (compute budget, system, SPL token, associated token account)
 * and the Anchor event self-CPI — the plumbing around every launchpad instruction.
 */

const writer = new BorshWriter();
// Constant data and log lines are shared by every instruction that uses them (nothing mutates them).
const CREATE_IDEMPOTENT = Uint8Array.of(1);
const CREATE_IDEMPOTENT_LOGS = ['Program log: CreateIdempotent'];
const TRANSFER_CHECKED_LOGS = ['Program log: Instruction: TransferChecked'];

export function computeUnitLimit(units: number): Invocation {
  return { program: COMPUTE_BUDGET, accounts: [], data: writer.reset().u8(2).u32(units).finish() };
}

export function computeUnitPrice(microLamports: bigint): Invocation {
  return { program: COMPUTE_BUDGET, accounts: [], data: writer.reset().u8(3).u64(microLamports).finish() };
}

/** System transfer; moves the lamports in the ledger too. */
export function systemTransfer(ledger: Ledger, from: Key, to: Key, lamports: bigint): Invocation {
  ledger.addLamports(from, -lamports);
  ledger.addLamports(to, lamports);
  return { program: SYSTEM, accounts: [ws(from), w(to)], data: writer.reset().u32(2).u64(lamports).finish() };
}

/** SPL `TransferChecked` (tag 12) of `amount` from → to, signed by `authority`; moves the tokens in the ledger. */
export function tokenTransfer(ledger: Ledger, from: TokenAccount, to: TokenAccount, mint: Key, authority: Key, amount: bigint): Invocation {
  ledger.moveTokens(from, to, amount);
  const program = from.programId === TOKEN_2022.b58 ? TOKEN_2022 : TOKEN;
  return {
    program,
    accounts: [w(from.address), r(mint), w(to.address), r(authority)],
    data: writer.reset().u8(12).u64(amount).u8(from.decimals).finish(),
    logs: TRANSFER_CHECKED_LOGS,
    cu: program === TOKEN_2022 ? 2_307 : 6_200,
  };
}

/**
 * ATA program `CreateIdempotent` (data [1]) for `owner`'s account of `mint`. When the account does not exist
 * yet it is created (rent paid by `payer`) and the program's CPIs appear; otherwise it is a no-op.
 */
export function createAtaIdempotent(
  ledger: Ledger,
  payer: Key,
  account: Key,
  owner: Key,
  mint: Key,
  tokenProgram: Key,
  decimals: number,
): { ix: Invocation; account: TokenAccount } {
  const accounts = [ws(payer), w(account), r(owner), r(mint), r(SYSTEM), r(tokenProgram)];
  const existing = ledger.token(account);
  if (existing) return { ix: { program: ATA, accounts, data: CREATE_IDEMPOTENT, logs: CREATE_IDEMPOTENT_LOGS, cu: 4_357 }, account: existing };
  const rent = tokenProgram === TOKEN_2022 ? RENT_TOKEN_2022_ACCOUNT : RENT_TOKEN_ACCOUNT;
  const created = ledger.openToken({ address: account, mint: mint.b58, owner: owner.b58, programId: tokenProgram.b58, decimals });
  const createAccount: Invocation = {
    program: SYSTEM,
    accounts: [ws(payer), w(account)],
    data: writer.reset().u32(0).u64(rent).u64(tokenProgram === TOKEN_2022 ? 170n : 165n).bytes(tokenProgram.bytes).finish(),
  };
  ledger.addLamports(payer, -rent);
  ledger.addLamports(account, rent);
  return {
    ix: {
      program: ATA,
      accounts,
      data: CREATE_IDEMPOTENT,
      logs: CREATE_IDEMPOTENT_LOGS,
      cu: 16_459,
      children: [
        { program: tokenProgram, accounts: [r(mint)], data: Uint8Array.of(21), logs: ['Program log: Instruction: GetAccountDataSize'], cu: 1_212 },
        createAccount,
        { program: tokenProgram, accounts: [w(account)], data: Uint8Array.of(22), logs: ['Program log: Instruction: InitializeImmutableOwner'], cu: 510 },
        {
          program: tokenProgram,
          accounts: [w(account), r(mint)],
          data: concatBytes(Uint8Array.of(18), owner.bytes),
          logs: ['Program log: Instruction: InitializeAccount3'],
          cu: 1_824,
        },
      ],
    },
    account: created,
  };
}

/** Starts an event self-CPI's data in `writer` (`e445a52e51cb9a1d ‖ disc`); the caller writes the payload. */
export function eventData(writer: BorshWriter, disc: Uint8Array): BorshWriter {
  return writer.reset().bytes(EVENT_CPI_TAG).bytes(disc);
}

/**
 * The `emit_cpi!` self-invocation: program → itself with the event authority as only account and
 * `e445a52e51cb9a1d ‖ disc ‖ payload` as data ({@link eventData}). `alsoLog` adds the `Program data:` copy
 * (`disc ‖ payload`) in the parent's logs.
 */
export function eventCpi(program: Key, eventAuthority: Key, data: Uint8Array, alsoLog: boolean): Invocation {
  return { program, accounts: [r(eventAuthority)], data, cu: 2_003, eventLog: alsoLog };
}
