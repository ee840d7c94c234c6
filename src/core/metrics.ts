import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric Megatron exports, in one registry under one prefix (`megatron_`), so the
 * Grafana dashboard and the code cannot drift apart. Modules import the metric they update.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'megatron_' });

const m = 'megatron_';

export const tradesStored = new Counter({
  name: `${m}trades_stored_total`,
  help: 'Trades committed to the database',
  labelNames: ['platform'] as const,
  registers: [registry],
});
export const eventsDecoded = new Counter({
  name: `${m}events_decoded_total`,
  help: 'Events decoded, by platform and type',
  labelNames: ['platform', 'type'] as const,
  registers: [registry],
});
export const decodeFailures = new Counter({
  name: `${m}decode_failures_total`,
  help: 'Transactions or events that failed to decode or verify, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});
export const decodeFlags = new Counter({
  name: `${m}decode_flags_total`,
  help: 'Transactions stored although the balance self-check disagreed with their program events, by platform and kind (table decode_flags)',
  labelNames: ['platform', 'kind'] as const,
  registers: [registry],
});
export const decodeCoverage = new Counter({
  name: `${m}decode_coverage_total`,
  help: 'Invocations of the programs Megatron reads, by program id, instruction (0x… when unknown) and outcome (decoded: produced events; empty: none)',
  labelNames: ['program', 'instruction', 'outcome'] as const,
  registers: [registry],
});
export const unknownDiscriminators = new Counter({
  name: `${m}unknown_discriminators_total`,
  help: 'Instructions or events with a discriminator no decoder knows',
  labelNames: ['platform'] as const,
  registers: [registry],
});
export const trailingByteEvents = new Counter({
  name: `${m}trailing_byte_events_total`,
  help: 'Events with unknown trailing bytes after the newest known layout',
  labelNames: ['platform'] as const,
  registers: [registry],
});
export const batchLatency = new Histogram({
  name: `${m}batch_commit_seconds`,
  help: 'Time to write and commit one pipeline batch',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
export const arrivalToCommit = new Histogram({
  name: `${m}arrival_to_commit_seconds`,
  help: 'Latency from a transaction reaching the source to its batch committing',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
  registers: [registry],
});
export const liveAnalyticsRound = new Histogram({
  name: `${m}live_analytics_round_seconds`,
  help: 'Time of one real-time analytics round (holders, score and trending of the tokens marked since the last)',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
  registers: [registry],
});
export const liveAnalyticsTokens = new Counter({
  name: `${m}live_analytics_tokens_total`,
  help: 'Tokens recomputed by real-time analytics',
  registers: [registry],
});
export const liveAnalyticsBacklog = new Gauge({
  name: `${m}live_analytics_backlog`,
  help: 'Tokens marked for real-time analytics and not yet recomputed',
  registers: [registry],
});
export const slotLag = new Gauge({
  name: `${m}slot_lag`,
  help: 'Slots between the newest slot seen by a source and the last committed slot',
  labelNames: ['source'] as const,
  registers: [registry],
});
export const wallClockLag = new Gauge({
  name: `${m}wall_clock_lag_seconds`,
  help: 'Now minus the block time of the last committed transaction',
  labelNames: ['source'] as const,
  registers: [registry],
});
export const reconnects = new Counter({
  name: `${m}source_reconnects_total`,
  help: 'Source reconnections',
  labelNames: ['source'] as const,
  registers: [registry],
});
export const gapsBackfilled = new Counter({
  name: `${m}gaps_backfilled_total`,
  help: 'Gaps reported by sources, by whether they were backfilled',
  labelNames: ['source', 'backfilled'] as const,
  registers: [registry],
});
export const quarantined = new Counter({
  name: `${m}quarantined_total`,
  help: 'Inputs sent to the quarantine table, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});
export const quarantineSize = new Gauge({
  name: `${m}quarantine_rows`,
  help: 'Rows in the quarantine table',
  registers: [registry],
});
export const cacheRequests = new Counter({
  name: `${m}cache_requests_total`,
  help: 'Cache reads, by key family and result (hit | miss)',
  labelNames: ['family', 'result'] as const,
  registers: [registry],
});
export const jobDuration = new Histogram({
  name: `${m}job_duration_seconds`,
  help: 'Scheduled job run time',
  labelNames: ['job', 'status'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [registry],
});
export const dbPoolConnections = new Gauge({
  name: `${m}db_pool_connections`,
  help: 'Database pool connections by state (total | idle | waiting)',
  labelNames: ['state'] as const,
  registers: [registry],
});
export const apiRequests = new Counter({
  name: `${m}api_requests_total`,
  help: 'HTTP API requests, by route pattern, method and status code',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [registry],
});
export const apiRequestDuration = new Histogram({
  name: `${m}api_request_duration_seconds`,
  help: 'HTTP API request latency, by route pattern',
  labelNames: ['route'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});
export const feedMessages = new Counter({
  name: `${m}feed_messages_total`,
  help: 'Live-feed messages published, by kind (launch | trade | graduation)',
  labelNames: ['kind'] as const,
  registers: [registry],
});
export const feedSubscribers = new Gauge({
  name: `${m}feed_subscribers`,
  help: 'Open /stream (Server-Sent Events) connections',
  registers: [registry],
});
export const feedDropped = new Counter({
  name: `${m}feed_dropped_total`,
  help: 'Live-feed messages dropped for a /stream client that was not reading fast enough',
  registers: [registry],
});
export const busPublished = new Counter({
  name: `${m}bus_published_total`,
  help: 'Messages a monitor published to the event stream, by outcome (stored | duplicate: dropped by the stream\'s dedup window)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
export const busConsumerPending = new Gauge({
  name: `${m}bus_consumer_pending`,
  help: 'Messages of a partition the writer has not committed yet (still in the stream, or delivered and unacknowledged), sampled every 5 s',
  labelNames: ['partition'] as const,
  registers: [registry],
});
export const busPublishFailures = new Counter({
  name: `${m}bus_publish_failures_total`,
  help: 'Publish attempts the stream refused or did not acknowledge (stream full, server down); the batch is retried',
  registers: [registry],
});
