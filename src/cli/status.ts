import type { Command } from 'commander';
import { withAnalytics } from '../analytics/open.ts';
import type { Config } from '../config.ts';
import { mib, textTable } from '../ops/compression.ts';
import { systemStatus, HIGH_SCORE, type SystemStatus } from '../ops/status.ts';

/** `megatron status [--json]`: system health, pipeline by platform, source lag, jobs, storage, cache. */
export function register(program: Command, config: Config): void {
  program
    .command('status')
    .description('system health (new tokens, trades, scores in the last hour, database size), pipeline by platform, source lag, jobs, cache')
    .option('--json', 'one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const status = await withAnalytics(config, ({ db, cache }) => systemStatus(db, cache));
      process.stdout.write(opts.json ? JSON.stringify(status) + '\n' : formatSystemStatus(status));
    });
}

/** The status as a terminal page. */
export function formatSystemStatus(s: SystemStatus): string {
  const h = s.health;
  const st = s.storage;
  let out = `health (last hour)  new tokens ${h.newTokens1h} · trades ${h.trades1h} · scores ${h.scores1h} · database ${mib(h.databaseBytes)}\n`;
  out += `storage             ${st.flavour} (${st.driver}), ${st.migrations.applied} migrations${st.migrations.pending.length ? `, PENDING ${st.migrations.pending.join(', ')}` : ''}, `;
  out += st.compression === 'none' ? 'no compression' : `${st.partitions.compressed}/${st.partitions.count} trade chunks compressed`;
  out += `, quarantine ${st.quarantine}\n`;
  const c = s.cache;
  out += `cache               ${c.kind}${c.ok ? `, round trip ${c.roundTripMs} ms, hot set ${c.hotTokens} tokens (ttl ${c.hotTtlSeconds}s)` : ` NOT OK: ${c.error}`}`;
  out += c.kind === 'memory' ? ' (in-process: not shared with the indexer)\n' : '\n';
  out += `\npipeline by platform\n` + textTable(['platform', 'tokens', 'new 24h', 'pools', `score > ${HIGH_SCORE}`, 'last trade'],
    s.platforms.map((p) => [p.platform, String(p.tokens), String(p.tokens24h), String(p.pools), String(p.highScoreTokens), p.lastTradeAt ?? '-']));
  out += `\nsources (checkpoints)\n` + (s.sources.length
    ? textTable(['source', 'slot', 'committed', 'lag'], s.sources.map((x) => [x.source, String(x.slot), x.updatedAt, `${x.lagSeconds}s`]))
    : '  none yet\n');
  const jobs = [
    ...s.jobs.scheduler.map((j) => [j.job, j.lastStatus ?? '-', j.lastStartedAt ?? '-', String(j.runs), String(j.failures), j.lastError ?? '']),
    ...s.jobs.timescale.map((j) => [`${j.proc}${j.relation ? ` ${j.relation}` : ''} (#${j.jobId})`, j.lastStatus ?? '-', j.lastRunAt ?? '-', String(j.runs), String(j.failures), '']),
  ];
  out += `\njobs\n` + (jobs.length ? textTable(['job', 'last', 'started', 'runs', 'failures', 'error'], jobs) : '  none\n');
  const d = s.decoding;
  out += `\ndecoding            ${d.flagged === 0 ? 'no' : d.flagged} transaction(s) flagged by the balance self-check${d.flagged ? ' (megatron quarantine list --flagged)' : ''}\n`;
  out += d.programs.length
    ? textTable(['program', 'invocations', 'decoded', 'instructions without events'], d.programs.map((p) => [
        p.program, String(p.invocations), `${(p.decodedShare * 100).toFixed(1)}%`,
        p.undecoded.slice(0, 6).map((u) => `${u.instruction} ×${u.count}`).join(', ') || '-',
      ]))
    : '  no coverage recorded yet\n';
  return out;
}
