/**
 * The zero-loss harness: a monitor as a child process (`node bin/megatron.js …`), ground truth from the
 * simulator, throwaway databases (a fresh database on the shared server, a private PostgreSQL cluster that
 * may be stopped, or an embedded data directory), and the final comparison of stored trade keys.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDb } from '../../../src/db/index.ts';
import { simulatedTransactions, toRpcJson, tradeKeyString, type SimulateOptions } from '../../../src/sources/simulate/index.ts';
import { POSTGRES_ADMIN_URL } from '../../helpers/db.ts';
import type { RpcTx } from '../../servers/ledger.ts';
import { assertExactlyOnce, storedTradeKeys } from '../../integration/pipeline/keys.ts';
import { createScratchDatabase } from '../../../src/db/scratch.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** Simulated transactions in RPC json (what the test servers serve) and the trade keys they contain. */
export function simulatedLedger(options: SimulateOptions): { txs: RpcTx[]; truth: Set<string> } {
  const txs: RpcTx[] = [];
  const truth = new Set<string>();
  for (const sim of simulatedTransactions(options)) {
    txs.push(toRpcJson(sim.tx, sim.envelope) as unknown as RpcTx);
    for (const e of sim.events) if (e.type === 'trade') truth.add(tradeKeyString(e));
  }
  return { txs, truth };
}

/** Groups transactions by slot (the servers produce whole blocks). */
export function blocks(txs: RpcTx[]): RpcTx[][] {
  const out: RpcTx[][] = [];
  for (const tx of txs) {
    const last = out.at(-1);
    if (last && last[0]!.slot === tx.slot) last.push(tx);
    else out.push([tx]);
  }
  return out;
}

/** Publishes blocks at a steady pace; `pause`/`resume` let a test act between blocks. */
export function feed(publish: (txs: RpcTx[]) => void, txs: RpcTx[], blocksPerSecond: number) {
  const list = blocks(txs);
  let i = 0;
  let onBlock = null as ((published: number) => void) | null;
  const done = (async () => {
    for (; i < list.length; i++) {
      publish(list[i]!);
      onBlock?.(i + 1);
      await sleep(1000 / blocksPerSecond);
    }
  })();
  return {
    blocks: list.length,
    done,
    /** Resolves once `n` blocks were published. */
    after(n: number): Promise<void> {
      return new Promise((resolve) => {
        if (i >= n) return resolve();
        onBlock = (published) => {
          if (published >= n) resolve();
        };
      });
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One `megatron` child process; its JSON status lines count the trades it stored. */
export class Monitor {
  trades = 0;
  /** Newest committed slot it reported. */
  slot = 0;
  lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [path.join(repoRoot, 'bin/megatron.js'), ...args, '--no-api', '--no-jobs'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_FORMAT: 'json', LOG_LEVEL: 'info', BATCH_MAX_ROWS: '200', BATCH_MAX_WAIT_MS: '50', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let buffered = '';
    this.child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.lines.push(line);
        if (this.lines.length > 400) this.lines.shift();
        if (line.startsWith('{')) {
          try {
            const msg = JSON.parse(line) as { status?: { trades: number; slot: number | null }; tradesStored?: number };
            if (msg.status) {
              this.trades = msg.status.trades;
              this.slot = msg.status.slot ?? 0;
            }
            if (typeof msg.tradesStored === 'number') this.trades = msg.tradesStored;
          } catch {
            // not a log line
          }
        }
      }
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Waits until this process reported at least `n` stored trades (or exited). */
  async waitForTrades(n: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (this.trades < n && !exited) {
      if (Date.now() > deadline) throw new Error(`monitor stored ${this.trades} < ${n} trades in time:\n${this.tail()}`);
      await sleep(25);
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGINT (graceful: commits the batch in hand) and waits for the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    return this.exited;
  }

  tail(n = 15): string {
    return this.lines.slice(-n).join('\n');
  }
}

/** Waits until `monitor` logged a line containing `text`, and returns it. */
export async function waitForLine(monitor: Monitor, text: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = monitor.lines.find((l) => l.includes(text));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`monitor never logged ${JSON.stringify(text)}:\n${monitor.tail()}`);
    await sleep(25);
  }
}

/** Waits until the monitors together stored `n` trades (first-run + restart counts add up), or times out. */
export async function waitForTotal(monitors: Monitor[], n: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (monitors.reduce((s, m) => s + m.trades, 0) < n && Date.now() < deadline) await sleep(50);
}

/** A fresh database on the shared server (dropped by `drop`). */
export async function serverDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const scratch = await createScratchDatabase(POSTGRES_ADMIN_URL, 'megatron_zl');
  return { url: scratch.url, drop: () => scratch.drop() };
}

/** An empty embedded data directory (removed by `remove`). */
export function embeddedDir(): { dir: string; remove(): void } {
  const base = mkdtempSync(path.join(tmpdir(), 'megatron-zl-'));
  return { dir: path.join(base, 'pglite'), remove: () => rmSync(base, { recursive: true, force: true }) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Why a private PostgreSQL cluster cannot be created here, or undefined. */
export function privateClusterSkip(): string | undefined {
  try {
    execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/pg_ctl`, '--version'], { stdio: 'ignore' });
    return undefined;
  } catch (err) {
    return `a private PostgreSQL cluster needs ${PG_BIN} and the postgres user (runuser): ${(err as Error).message}`;
  }
}

/**
 * A throwaway PostgreSQL cluster in a temp directory on a free port, run as the `postgres` user (initdb
 * and pg_ctl refuse root). It can be stopped and started under a running monitor — the machine's shared
 * cluster is never touched.
 */
export async function privateCluster(): Promise<{ url: string; stop(): void; start(): void; destroy(): void }> {
  const base = mkdtempSync(path.join(tmpdir(), 'megatron-pg-'));
  chmodSync(base, 0o755);
  const data = path.join(base, 'data');
  const pgUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const pgGid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(base, pgUid, pgGid);
  const port = await freePort();
  const asPostgres = (bin: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/${bin}`, ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = () =>
    asPostgres('pg_ctl', ['-D', data, '-l', path.join(base, 'log'), '-w', '-o', `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  const stop = () => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: () => {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Opens the database a monitor wrote (after it exited, for the embedded one) and checks exactly-once. */
export async function assertStoredExactlyOnce(where: { databaseUrl?: string; dataDir?: string }, truth: ReadonlySet<string>): Promise<void> {
  const db = await openDb({ ...where, migrate: false });
  try {
    assertExactlyOnce(await storedTradeKeys(db), truth);
  } finally {
    await db.close();
  }
}

/**
 * Waits until the source is drained: some monitor committed the ledger's last slot, and no monitor stored
 * anything new for `quietMs` (late reconciles of older slots included). Times out quietly: the final
 * comparison is the verdict.
 */
export async function waitForDrained(monitors: Monitor[], tipSlot: number, quietMs = 3000, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const total = monitors.reduce((s, m) => s + m.trades, 0);
    if (total !== last) {
      last = total;
      since = Date.now();
    } else if (Date.now() - since >= quietMs && monitors.some((m) => m.slot >= tipSlot)) return;
    await sleep(100);
  }
}
