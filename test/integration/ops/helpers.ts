import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { refreshCandles } from '../../../src/analytics/candles/refresh.ts';
import type { Db } from '../../../src/db/types.ts';
import { fillSimulatedHistory } from '../../../src/ops/history.ts';

const execFileP = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../../bin/megatron.js');

/** A small simulated history (10 days ending an hour ago) with candles materialized: a healthy database. */
export async function fillHealthy(db: Db, trades = 1500): Promise<void> {
  await fillSimulatedHistory(db, { trades, days: 10, endTime: Math.floor(Date.now() / 1000) - 3600, batchTrades: 500 });
  await refreshCandles(db);
}

/** Runs the CLI with `env` (DATABASE_URL unset unless given); resolves with exit code and output. */
export async function megatron(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
