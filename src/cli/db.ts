import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { openDb } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { storageStatus, type StorageStatus } from '../db/queries/status.ts';
import type { Db } from '../db/types.ts';
import { applyLifecycle, lifecyclePolicies } from '../jobs/lifecycle.ts';
import { runDueJobs, storageJobs } from '../jobs/scheduler.ts';
import { compressionReport, formatCompression, mib, textTable } from '../ops/compression.ts';

async function withOpenDb<T>(config: Config, migrateOnOpen: boolean, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: migrateOnOpen });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** `megatron db migrate | status [--json] | jobs [--force]`. */
export function register(program: Command, config: Config): void {
  const db = program.command('db').description('database: migrations, status, maintenance jobs');
  db.command('migrate')
    .description('apply pending migrations (also done automatically at start)')
    .action(async () => {
      const res = await withOpenDb(config, false, (d) => migrate(d).then((r) => ({ ...r, flavour: d.flavour })));
      process.stdout.write(`${res.applied.length} migration(s) applied, ${res.total} total (flavour ${res.flavour})\n`);
    });
  db.command('status')
    .description('flavour, partitions and compression, rows and volume by platform (1 h / 24 h), checkpoints, jobs')
    .option('--json', 'one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const status = await withOpenDb(config, true, storageStatus);
      process.stdout.write(opts.json ? JSON.stringify(status) + '\n' : formatStatus(status));
    });
  db.command('jobs')
    .description('run the storage maintenance jobs that are due now (compression/retention, partitions)')
    .option('--force', 'run every job, due or not')
    .action(async (opts: { force?: boolean }) => {
      const outcomes = await withOpenDb(config, true, async (d) => runDueJobs(d, await storageJobs(d, config.lifecycle), new Date(), opts.force));
      for (const o of outcomes) process.stdout.write(`${o.job}: ${o.status}${o.error ? ` (${o.error})` : ''}\n`);
      if (outcomes.length === 0) process.stdout.write('no job due\n');
      if (outcomes.some((o) => o.status === 'failure')) process.exitCode = 1;
    });
  db.command('compression')
    .description('compression per hypertable (before/after bytes, ratio, segment-by/order-by) from TimescaleDB statistics')
    .option('--json', 'one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const report = await withOpenDb(config, true, compressionReport);
      process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : formatCompression(report));
    });
  db.command('lifecycle')
    .description('retention/compression policies and maintenance jobs in force; --apply aligns them with the configuration')
    .option('--apply', 'change TimescaleDB policies to the configured ages (plain: the scheduler reads them directly)')
    .action(async (opts: { apply?: boolean }) => {
      await withOpenDb(config, true, async (d) => {
        if (opts.apply) for (const c of await applyLifecycle(d, config.lifecycle)) process.stdout.write(`changed: ${c}\n`);
        const rows = await lifecyclePolicies(d, config.lifecycle);
        process.stdout.write(textTable(['relation', 'policy', 'after'], rows.map((r) => [r.relation, r.policy, r.after])));
      });
    });
}

/** Tables nested under the page's headings. */
const table = (header: string[], rows: string[][]) => textTable(header, rows, '  ');

/** The status as a terminal page. */
export function formatStatus(s: StorageStatus): string {
  const p = s.partitions;
  const unit = s.flavour === 'timescale' ? 'chunks' : 'day partitions';
  let out = `flavour     ${s.flavour} (driver ${s.driver})\n`;
  out += `migrations  ${s.migrations.applied} applied${s.migrations.pending.length ? `, PENDING: ${s.migrations.pending.join(', ')}` : ''}\n`;
  out += `database    ${mib(s.databaseBytes)}\n`;
  out += `trades      ${p.count} ${unit}, ${mib(p.bytes)}`;
  out += s.flavour === 'timescale' ? `, ${p.compressed} compressed (${mib(p.bytesBeforeCompression)} → ${mib(p.bytesAfterCompression)})\n` : ', no compression (plain PostgreSQL)\n';
  out += `rows        tokens ${s.rows.tokens}, pools ${s.rows.pools}, trades ${s.rows.transactions}, quarantine ${s.rows.quarantine}; new tokens 1h ${s.newTokens1h}\n`;
  out += '\nvolume by platform (quote units)\n';
  out += s.volume.length
    ? table(['platform', 'quote mint', 'trades 1h', 'trades 24h', 'volume 1h', 'volume 24h'],
        s.volume.map((v) => [v.platform, v.quoteMint, String(v.trades1h), String(v.trades24h), v.volume1h, v.volume24h]))
    : '  no trades in the last 24 h\n';
  if (s.checkpoints.length) out += '\ncheckpoints\n' + table(['source', 'slot', 'updated'], s.checkpoints.map((c) => [c.source, String(c.slot), c.updatedAt]));
  if (s.jobs.length) {
    out += '\njobs\n' + table(['job', 'last', 'started', 'runs', 'failures'],
      s.jobs.map((j) => [j.job, j.lastStatus ?? '-', j.lastStartedAt ?? '-', String(j.runs), String(j.failures)]));
  }
  if (s.timescaleJobs.length) {
    out += '\ntimescaledb jobs\n' + table(['id', 'job', 'relation', 'every', 'config', 'last run', 'status', 'runs', 'failures'],
      s.timescaleJobs.map((j) => [String(j.jobId), j.proc, j.relation ?? '-', j.schedule, j.config ?? '-', j.lastRunAt ?? '-', j.lastStatus ?? '-', String(j.runs), String(j.failures)]));
  }
  return out;
}
