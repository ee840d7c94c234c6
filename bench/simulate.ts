/**
 * Market simulator generation throughput on one core: `npm run bench:simulate [-- --json] [-- --count N] [-- --runs N]`.
 * Each mix generates `count` transactions (seed 7) from a fresh market, `runs` times; the best run is reported
 * (others share this machine). Rates are per CPU-second of the process (all its threads, GC helpers included),
 * which stays stable when other processes compete for the cores; wall-clock rates are printed beside them.
 * `source` is the path the pipeline takes: {@link SimulateSource.stream} at unlimited rate, RawTx only.
 */
import { Market, SimulateSource, type MarketOptions } from '../src/sources/simulate/index.ts';

interface Mix {
  mix: string;
  options: Partial<MarketOptions>;
  /** Pull the transactions through the async source instead of calling `Market.next()`. */
  viaSource?: boolean;
}

const MIXES: Mix[] = [
  { mix: 'default', options: {} },
  { mix: 'default, logs off', options: { logs: false } },
  { mix: 'bundles (bundleShare 1)', options: { bundleShare: 1 } },
  { mix: 'source (default, async)', options: {}, viaSource: true },
];

interface Run {
  tx: number;
  trades: number;
  cpuS: number;
  wallS: number;
}

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
}

async function timed(work: () => Promise<number> | number, tx: number): Promise<Run> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const trades = await work();
  const cpu = process.cpuUsage(cpuStart);
  return { tx, trades, cpuS: (cpu.user + cpu.system) / 1e6, wallS: (performance.now() - wallStart) / 1000 };
}

function marketRun(options: Partial<MarketOptions>, count: number): Promise<Run> {
  return timed(() => {
    const market = new Market({ seed: 7, ...options });
    let trades = 0;
    for (let i = 0; i < count; i++) {
      for (const e of market.next().events) if (e.type === 'trade') trades++;
    }
    return trades;
  }, count);
}

/** The source yields RawTx only, so its trade count is the market's for the same options (same stream). */
function sourceRun(options: Partial<MarketOptions>, count: number, trades: number): Promise<Run> {
  return timed(async () => {
    let n = 0;
    const stream = new SimulateSource({ seed: 7, ...options, count }).stream({ checkpoint: null, signal: new AbortController().signal });
    for await (const item of stream) if (item.kind === 'tx') n++;
    if (n !== count) throw new Error(`source yielded ${n} of ${count} transactions`);
    return trades;
  }, count);
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const count = argument('--count', 100_000);
  const runs = argument('--runs', 3);
  const rows: Array<{ mix: string; best: Run }> = [];
  const tradesOf = new Map<string, number>();
  for (const m of MIXES) {
    let best: Run | null = null;
    for (let i = 0; i < runs; i++) {
      const key = JSON.stringify(m.options);
      const run = m.viaSource ? await sourceRun(m.options, count, tradesOf.get(key) ?? (await marketRun(m.options, count)).trades) : await marketRun(m.options, count);
      tradesOf.set(key, run.trades);
      if (best === null || run.cpuS < best.cpuS) best = run;
    }
    rows.push({ mix: m.mix, best: best! });
  }
  const rate = (n: number, s: number): number => Math.round(n / s);
  if (json) {
    const mixes = rows.map(({ mix, best }) => ({
      mix,
      tx_per_s: rate(best.tx, best.cpuS),
      trades_per_s: rate(best.trades, best.cpuS),
      wall_tx_per_s: rate(best.tx, best.wallS),
      tx: best.tx,
      trades: best.trades,
    }));
    console.log(JSON.stringify({ count, runs, mixes }));
    return;
  }
  const fmt = (n: number, width: number): string => n.toLocaleString('en-US').padStart(width);
  console.log(`simulator, seed 7, ${count.toLocaleString('en-US')} tx per run, best of ${runs} (per CPU-second; wall-clock beside)`);
  console.log(`${'mix'.padEnd(26)} ${'trades/tx'.padStart(9)} ${'tx/s'.padStart(10)} ${'trades/s'.padStart(10)} ${'wall tx/s'.padStart(10)}`);
  for (const { mix, best } of rows) {
    console.log(
      `${mix.padEnd(26)} ${(best.trades / best.tx).toFixed(2).padStart(9)} ${fmt(rate(best.tx, best.cpuS), 10)} ${fmt(rate(best.trades, best.cpuS), 10)} ${fmt(rate(best.tx, best.wallS), 10)}`,
    );
  }
}

await main();
