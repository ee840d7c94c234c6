import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { errorMessage } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { apiRequestDuration, apiRequests } from '../core/metrics.ts';
import type { LiveFeed } from '../feed/live-feed.ts';
import { ApiError, parseInput } from './errors.ts';
import { routes, type ApiData } from './routes.ts';
import { registerDashboard } from './static.ts';

export interface RateLimitOptions {
  /** Requests per client (IP) per window. */
  max: number;
  windowMs: number;
  /** Shared counters across API instances; per-process memory when absent. */
  redis?: Redis;
}

export interface ServerOptions {
  data: ApiData;
  feed: LiveFeed;
  /** null disables the limit (load tests from one client). */
  rateLimit: RateLimitOptions | null;
  /** Serve the dashboard at `/` (default true). */
  dashboard?: boolean;
}

const registered = new WeakMap<FastifyInstance, Set<string>>();

/** Every `METHOD url` the app registered (from Fastify's onRoute hook), to check /openapi.json against. */
export function registeredRoutes(app: FastifyInstance): ReadonlySet<string> {
  return registered.get(app) ?? new Set();
}

export const DEFAULT_RATE_LIMIT = { max: 1200, windowMs: 60_000 };

function errorCode(status: number): string {
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'not_ready';
  return 'bad_request';
}

/**
 * Builds the Fastify app: every route of the table in `routes.ts` with its input validation, JSON errors
 * (4xx for anything a client did, 500 only for our own faults), per-client rate limit, request metrics and
 * the dashboard. Listening is the caller's choice (`app.listen`), so tests can use `inject` or a real port.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true }, return503OnClosing: true });
  const seen = new Set<string>();
  registered.set(app, seen);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) seen.add(`${method} ${r.url}`);
  });

  if (opts.rateLimit) {
    await app.register(rateLimit, {
      global: true,
      max: opts.rateLimit.max,
      timeWindow: opts.rateLimit.windowMs,
      ...(opts.rateLimit.redis ? { redis: opts.rateLimit.redis, nameSpace: 'megatron:ratelimit:' } : {}),
    });
  }

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.status).send({ error: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ error: errorCode(status), message: errorMessage(err) });
    }
    log().error({ err: errorMessage(err), url: req.url }, 'api: request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    apiRequests.inc({ route, method: req.method, status: String(reply.statusCode) });
    apiRequestDuration.observe({ route }, reply.elapsedTime / 1000);
  });

  for (const spec of routes) {
    app.get(spec.url, { config: { rateLimit: spec.rateLimited ? undefined : false } }, async (req, reply) => {
      const params = spec.params ? parseInput(spec.params, req.params, 'path') : {};
      const query = parseInput(spec.query, req.query, 'query');
      const body = await spec.handler({ params, query, data: opts.data, feed: opts.feed, req, reply });
      if (body === undefined) return reply; // answered by the handler itself (SSE)
      reply.header('cache-control', spec.maxAge > 0 ? `public, max-age=${spec.maxAge}` : 'no-store');
      return body;
    });
  }
  if (opts.dashboard !== false) registerDashboard(app);
  return app;
}
