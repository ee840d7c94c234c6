import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { registry } from '../../../src/core/metrics.ts';

/** deploy/: the Grafana dashboard is wired to the metrics the code exports, and the stack has every service. */
const deployDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../deploy');
const dashboard = JSON.parse(readFileSync(path.join(deployDir, 'grafana/dashboards/megatron.json'), 'utf8')) as {
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
};
const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const referenced = new Set(exprs.flatMap((e) => e.match(/megatron_[a-z0-9_]+/g) ?? []).map((n) => n.replace(/_(bucket|count|sum)$/, '')));

test('every metric the dashboard queries exists in the registry', async () => {
  const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
  const unknown = [...referenced].filter((n) => !exported.has(n));
  assert.deepEqual(unknown, []);
});

test('every megatron-specific metric has a dashboard panel', async () => {
  const ours = (await registry.getMetricsAsJSON())
    .map((m) => m.name)
    .filter((n) => !/^megatron_(process_|nodejs_)/.test(n));
  const missing = ours.filter((n) => !referenced.has(n));
  assert.deepEqual(missing, []);
});

test('the compose stack runs timescaledb, redis, the indexer, the API, prometheus and grafana, and prometheus scrapes both', () => {
  const compose = readFileSync(path.join(deployDir, 'docker-compose.yml'), 'utf8');
  for (const service of ['timescaledb', 'redis', 'megatron', 'api', 'prometheus', 'grafana']) assert.match(compose, new RegExp(`^  ${service}:$`, 'm'), service);
  assert.match(compose, /image: timescale\/timescaledb:/);
  const prometheus = readFileSync(path.join(deployDir, 'prometheus.yml'), 'utf8');
  assert.match(prometheus, /megatron:8080/);
  assert.match(prometheus, /api:8080/);
});
