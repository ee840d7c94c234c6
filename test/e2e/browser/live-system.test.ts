import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BrowserContext } from 'playwright-core';
import { createScratchDatabase, type ScratchDatabase } from '../../../src/db/scratch.ts';
import { POSTGRES_ADMIN_URL } from '../../helpers/db.ts';
import { ARTIFACTS, chromiumMissing, launchChromium, type Browser } from './chromium.ts';

/**
 * The whole system as a user runs it: `megatron run` (simulate source → pipeline → PostgreSQL, jobs, API)
 * in its own process, and the dashboard in Chromium reading what it indexed — live.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}
const skip = chromiumMissing
  ?? (!(await postgresReachable())
    ? `PostgreSQL unreachable at ${POSTGRES_ADMIN_URL}; live-system browser test skipped`
    : undefined);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('dashboard over a running `megatron run` (simulated market)', { skip }, () => {
  let scratch: ScratchDatabase | undefined;
  let child: ChildProcess;
  let base: string;
  let context: BrowserContext;
  let browser: Browser | undefined;
  let output = '';

  before(async () => {
    scratch = await createScratchDatabase(POSTGRES_ADMIN_URL, 'megatron_test_live');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [path.join(repoRoot, 'bin/megatron.js'), 'run', '--source', 'simulate', '--rate', '150', '--no-status'], {
      env: { ...process.env, DATABASE_URL: scratch.url, REDIS_URL: '', API_HOST: '127.0.0.1', API_PORT: String(port), LOG_FORMAT: 'json', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    // Wait for a hot set (scored, or by activity before the first scoring run) with traded tokens.
    await until('hot tokens', async () => {
      if (child.exitCode !== null) throw new Error(`megatron run exited with ${child.exitCode}`);
      const hot = (await (await fetch(`${base}/tokens/hot?limit=5`)).json()) as { data: Array<{ trades_24h: number }> };
      // The hot set ranks by score, and the top-scored token may be new and barely traded: any active one will do.
      return hot.data.length >= 5 && hot.data.some((t) => t.trades_24h >= 5) ? true : undefined;
    }, 150_000).catch((err: Error) => {
      // The child's own words are the only clue when it never became ready: put them in the failure.
      throw new Error(`${err.message}; megatron run (exit code ${child.exitCode}) printed:\n${output.slice(-4000)}`);
    });
    browser = await launchChromium();
    context = browser.context;
  });
  after(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await scratch?.drop();
  });

  test('markets, token and system pages show the indexed market, and trades stream in live', async () => {
    const errors: string[] = [];
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/#/`);
    await page.locator('#hot tbody tr[data-mint]').nth(4).waitFor();
    await page.locator('#launches li').nth(4).waitFor();
    // Live: the simulator keeps launching; a launch arrives over /stream without a reload.
    const before = await page.locator('#launches li.new').count();
    await page.locator('#launches li.new').nth(before).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-markets.png'), fullPage: true });

    // The token page of the most traded hot token (its candles need trades).
    const hot = (await (await fetch(`${base}/tokens/hot?limit=10`)).json()) as { data: Array<{ mint: string; trades_24h: number }> };
    const mint = [...hot.data].sort((a, b) => b.trades_24h - a.trades_24h)[0]!.mint;
    // Plain PostgreSQL has no real-time candle tail: candles appear once the scheduler's refresh has run.
    await until('candles of the most traded hot token', async () => {
      const c = (await (await fetch(`${base}/tokens/${mint}/candles?tf=1m`)).json()) as { data: unknown[] };
      return c.data.length > 0 ? true : undefined;
    }, 150_000);
    await page.goto(`${base}/#/token/${mint}`);
    await page.locator('#chart canvas').first().waitFor();
    await page.locator('#candle-count').filter({ hasText: /[1-9]\d* candles/ }).waitFor();
    await page.locator('#trades tbody tr.buy, #trades tbody tr.sell').first().waitFor();
    await page.locator('#score .score-total b, #score .muted').first().waitFor(); // scored, or "not scored yet"
    await page.locator('#holders .kv, #holders .muted').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-token.png'), fullPage: true });

    await page.goto(`${base}/#/system`);
    await page.locator('.cards .card').nth(11).waitFor();
    const text = (await page.locator('#sys').textContent()) ?? '';
    assert.match(text, /simulate/, 'the simulate checkpoint');
    assert.match(text, /scores:tokens|candles:refresh/, 'scheduler jobs');
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-system.png'), fullPage: true });
    assert.deepEqual(errors, []);
    assert.equal(child.exitCode, null, `megatron run is still running:\n${output.slice(-2000)}`);
  });
});
