/**
 * `check --chain` benchmark: N simulated transactions stored through the trade writer, served by the local
 * JSON-RPC test server (the same protocol a node speaks), then `checkAgainstChain` re-fetches, decodes and
 * compares a random sample of them, `--reps` times. Reports the wall time per run (fetch + decode + compare)
 * and the time spent in the database's statements (the sample query and one comparison per transaction).
 *
 *   npm run bench:check-chain -- [--tx 20000] [--sample 500] [--reps 7] [--backend all|server|embedded] [--json]
 *
 * Each backend is a fresh database (bench/backends.ts: a new database on MEGATRON_BENCH_POSTGRES_URL, or
 * PGlite + TimescaleDB in a temporary directory), removed afterwards. The file only uses interfaces that
 * predate issue #14's schema steps, so it runs unchanged in a worktree of an earlier commit (copy it in) for a
 * before/after comparison.
 */
import { parseArgs } from 'node:util';
import type { Db, Queryable } from '../src/db/types.ts';
import { EventWriter } from '../src/db/writer.ts';
import { decodeTransaction } from '../src/decoders/index.ts';
import { checkAgainstChain } from '../src/ops/check.ts';
import { JsonRpcHttpClient } from '../src/sources/rpc/index.ts';
import { simulatedTransactions, toRpcJson } from '../src/sources/simulate/index.ts';
import type { RpcTx } from '../test/servers/ledger.ts';
import { startRpcTestServer } from '../test/servers/rpc-server.ts';
import { openBackend, percentile, type Backend } from './backends.ts';

const { values: args } = parseArgs({
  options: {
    tx: { type: 'string', default: '20000' },
    sample: { type: 'string', default: '500' },
    reps: { type: 'string', default: '7' },
    backend: { type: 'string', default: 'all' },
    json: { type: 'boolean', default: false },
  },
});
const TX = Number(args.tx);
const SAMPLE = Number(args.sample);
const REPS = Number(args.reps);
if (![TX, SAMPLE, REPS].every((v) => Number.isInteger(v) && v >= 1)) {
  process.stderr.write('--tx, --sample and --reps must be positive integers\n');
  process.exit(2);
}

interface BackendResult {
  backend: Backend;
  trades: number;
  sample: number;
  p50_ms: number;
  min_ms: number;
  max_ms: number;
  sql_p50_ms: number;
}

const sims = [...simulatedTransactions({ seed: 11, count: TX, startTime: Math.floor(Date.now() / 1000) - 4 * 3600 })];
const rpc = await startRpcTestServer({ transactions: sims.map((s) => toRpcJson(s.tx, s.envelope) as unknown as RpcTx) });
const client = new JsonRpcHttpClient({ url: rpc.httpUrl, concurrency: 4, requestsPerSecond: 1_000_000, timeoutMs: 10_000, maxRetries: 1 });
const fetchTx = (sig: string) => client.call<unknown>('getTransaction', [sig, { encoding: 'json', maxSupportedTransactionVersion: 0 }]);

const events = sims.flatMap((s) => decodeTransaction(s.tx).events);

const p50 = (xs: readonly number[]) => percentile([...xs].sort((a, b) => a - b), 50);

async function runBackend(backend: Backend, db: Db): Promise<BackendResult> {
  const writer = new EventWriter(db);
  for (let i = 0; i < events.length; i += 5000) await writer.transaction((w) => w.writeEvents(events.slice(i, i + 5000)));
  const trades = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions')).rows[0]!.n;
  let sqlMs = 0;
  // Only the statements' time: fetching and decoding happen between them.
  const timedDb: Queryable = {
    exec: (sql) => db.exec(sql),
    copy: (table, columns, rows) => db.copy(table, columns, rows),
    query: async (sql, params) => {
      const t0 = performance.now();
      try {
        return await db.query(sql, params);
      } finally {
        sqlMs += performance.now() - t0;
      }
    },
  };
  let sampled = 0;
  const wall: number[] = [];
  const sql: number[] = [];
  for (let r = 0; r < REPS; r++) {
    sqlMs = 0;
    const t0 = performance.now();
    const res = await checkAgainstChain(timedDb, fetchTx, SAMPLE);
    wall.push(performance.now() - t0);
    sql.push(sqlMs);
    sampled = Number(/^(\d+) sampled/.exec(res.rule)?.[1] ?? 0);
    if (res.violations > 0) throw new Error(`check --chain found ${res.violations} problem(s): ${res.examples.slice(0, 3).join('; ')}`);
  }
  return {
    backend, trades, sample: sampled, p50_ms: Math.round(p50(wall)), min_ms: Math.round(Math.min(...wall)),
    max_ms: Math.round(Math.max(...wall)), sql_p50_ms: Math.round(p50(sql)),
  };
}

const backends: BackendResult[] = [];
try {
  for (const backend of ['server', 'embedded'] as const) {
    if (args.backend !== 'all' && args.backend !== backend) continue;
    const { db, cleanup } = await openBackend(backend);
    try {
      backends.push(await runBackend(backend, db));
    } finally {
      await db.close();
      await cleanup();
    }
  }
} finally {
  await rpc.close();
}

if (args.json) {
  process.stdout.write(JSON.stringify({ backends }) + '\n');
} else {
  const header = ['backend', 'trades', 'sampled tx', 'run p50 ms', 'min ms', 'max ms', 'SQL p50 ms'];
  const lines = backends.map((b) => [b.backend, String(b.trades), String(b.sample), String(b.p50_ms), String(b.min_ms), String(b.max_ms), String(b.sql_p50_ms)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => c.padStart(widths[i]!)).join(' | ') + ' |';
  process.stdout.write([fmt(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...lines.map(fmt)].join('\n') + '\n');
  process.stdout.write(`${REPS} runs of checkAgainstChain per backend; run = re-fetch over local JSON-RPC + decode + compare\n`);
}
