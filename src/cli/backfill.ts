import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { UsageError } from '../core/errors.ts';
import { redactUrl } from '../core/redact.ts';
import { withDb } from '../analytics/open.ts';
import { trackedAmmPools } from '../db/amm.ts';
import { BackfillSource } from '../pipeline/backfill.ts';
import { PROGRAM_IDS, programIdOf } from '../pipeline/programs.ts';
import { addIndexerOptions, runIndexer, type IndexerFlags } from './run.ts';
import { publishUrl } from './stream-roles.ts';
import { parseSince as parseSinceTime } from './since.ts';

interface BackfillFlags extends IndexerFlags {
  program: string;
  from?: string;
  since?: string;
  ammPools: boolean;
}

/** `--since` as unix seconds (the backfill source counts block times in seconds). */
export function parseSince(value: string, nowMs = Date.now()): number {
  return Math.floor(parseSinceTime(value, nowMs).getTime() / 1000);
}

/** `megatron backfill --program … --from SIGNATURE|--since TIME`: a program's history over RPC into the database. */
export function register(program: Command, config: Config): void {
  const cmd = program
    .command('backfill')
    .description('store a program\'s past trades over RPC (getSignaturesForAddress + getTransaction), e.g. to fill a reported gap')
    .requiredOption('--program <program>', `${Object.keys(PROGRAM_IDS).join(' | ')} | a program id`)
    .option('--from <signature>', 'start after this signature')
    .option('--since <time>', 'start at this time: unix seconds, ISO date, or 90m / 6h / 2d ago')
    .option('--no-amm-pools', "leave out the AMM pools its tracked tokens graduated to (by default their trades are backfilled too, AMM_POOLS_MAX newest)");
  addIndexerOptions(cmd, { api: false }).action(async (flags: BackfillFlags) => {
    if (!config.solanaRpcUrl) throw new UsageError('backfill needs SOLANA_RPC_URL');
    if (!flags.from === (flags.since === undefined)) throw new UsageError('give exactly one of --from SIGNATURE or --since TIME');
    let programId: string;
    try {
      programId = programIdOf(flags.program);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const sinceUnix = flags.since === undefined ? undefined : parseSince(flags.since);
    const platforms = Object.entries(PROGRAM_IDS).filter(([, id]) => id === programId).map(([p]) => p);
    const pools = flags.ammPools && config.ammPoolsMax > 0 && platforms.length > 0
      ? (await withDb(config, (db) => trackedAmmPools(db, platforms, config.ammPoolsMax))).map(([pool]) => pool)
      : [];
    const source = new BackfillSource({
      httpUrl: config.solanaRpcUrl,
      program: programId,
      addresses: pools,
      fromSignature: flags.from,
      sinceUnix,
      commitment: config.commitment === 'finalized' ? 'finalized' : 'confirmed',
      concurrency: config.rpcConcurrency,
      requestsPerSecond: config.rpcRequestsPerSecond,
      name: `backfill:${flags.program}:${flags.from ?? String(sinceUnix)}`,
    });
    const start = flags.from ? `after ${flags.from}` : `since ${new Date(sinceUnix! * 1000).toISOString()}`;
    const built = { source, description: `backfill of ${flags.program}${pools.length ? ` and ${pools.length} AMM pool(s)` : ''} ${start} from ${redactUrl(config.solanaRpcUrl)}` };
    await runIndexer(config, { built, checkpointName: flags.checkpointName, api: flags.api, jobs: flags.jobs, status: flags.status, publishUrl: publishUrl(flags.publish, config), command: 'backfill' });
  });
}
