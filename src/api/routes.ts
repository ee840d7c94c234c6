import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { registry } from '../core/metrics.ts';
import type { TokenRank } from '../cache/keys.ts';
import type { LiveFeed } from '../feed/live-feed.ts';
import { ApiError } from './errors.ts';
import * as M from './model.ts';
import * as S from './schemas.ts';
import { buildOpenApi } from './openapi.ts';
import { openStream } from './stream.ts';
import { TIMEFRAMES } from './schemas.ts';

/** Everything the routes read, behind one interface (SQL + cache in `data.ts`). */
export interface ApiData {
  listTokens(q: S.TokensQuery): Promise<M.Page<M.TokenSummary>>;
  hotTokens(limit: number, rank?: TokenRank): Promise<M.HotToken[]>;
  token(mint: string): Promise<M.TokenDetail | null>;
  candles(mint: string, tf: S.Timeframe, from: number, to: number): Promise<M.Candle[]>;
  trades(mint: string, q: S.TradesQuery): Promise<M.Page<M.Trade>>;
  holders(mint: string, limit: number): Promise<M.Holders>;
  scores(mint: string, limit: number): Promise<M.Score[]>;
  stats(): Promise<M.Stats>;
  ready(): Promise<M.Ready>;
}

export interface RouteContext<P, Q> {
  params: P;
  query: Q;
  data: ApiData;
  feed: LiveFeed;
  req: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One API route: its inputs and output as zod schemas (validation and /openapi.json come from these) and
 * a handler that sees only parsed input. Returning `undefined` means the handler answered itself (SSE).
 */
export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  url: string;
  summary: string;
  tag: 'tokens' | 'market' | 'system' | 'stream';
  params?: P;
  query: Q;
  response: z.ZodType | 'text' | 'event-stream';
  /** false for probes and scrapes, which must answer whatever a client did before. */
  rateLimited: boolean;
  /** Seconds a shared cache may keep the response (Cache-Control), 0 = no-store. */
  maxAge: number;
  handler(ctx: RouteContext<z.infer<P>, z.infer<Q>>): Promise<unknown>;
}

const route = <P extends z.ZodType, Q extends z.ZodType>(spec: RouteSpec<P, Q>): RouteSpec => spec as unknown as RouteSpec;

function notFound(mint: string): never {
  throw new ApiError(404, 'not_found', `no token with mint ${mint}`);
}

const startedAt = Date.now();
const API_VERSION = '1.0.0';
let openApiDocument: Record<string, unknown> | undefined;

/** The API, read-only. Adding a route here registers it, validates it and documents it. */
export const routes: RouteSpec[] = [
  route({
    url: '/tokens',
    summary: 'List tokens, filtered and sorted, with cursor pagination',
    tag: 'tokens',
    query: S.TokensQuery,
    response: M.Page(M.TokenSummary),
    rateLimited: true,
    maxAge: 2,
    handler: ({ query, data }) => data.listTokens(query),
  }),
  route({
    url: '/tokens/hot',
    summary: 'The hot set: recent tokens by total score (`rank=score`, the default) or by trending rank (`rank=trending`), served from the cache',
    tag: 'tokens',
    query: S.HotQuery,
    response: z.object({ data: z.array(M.HotToken) }),
    rateLimited: true,
    maxAge: 2,
    handler: async ({ query, data }) => ({ data: await data.hotTokens(query.limit, query.rank) }),
  }),
  route({
    url: '/tokens/:mint',
    summary: 'One token: metadata, pools, current price (cache first), latest score',
    tag: 'tokens',
    params: S.MintParams,
    query: S.EmptyQuery,
    response: M.TokenDetail,
    rateLimited: true,
    maxAge: 1,
    handler: async ({ params, data }) => (await data.token(params.mint)) ?? notFound(params.mint),
  }),
  route({
    url: '/tokens/:mint/candles',
    summary: 'OHLCV candles for a timeframe and range',
    tag: 'market',
    params: S.MintParams,
    query: S.CandlesQuery,
    response: z.object({ mint: z.string(), tf: z.string(), data: z.array(M.Candle) }),
    rateLimited: true,
    maxAge: 2,
    handler: async ({ params, query, data }) => {
      const width = TIMEFRAMES[query.tf];
      const to = query.to ?? Math.ceil(Date.now() / 1000);
      const from = query.from ?? to - width * 300;
      if (from >= to) throw new ApiError(400, 'bad_request', '`from` must be before `to`', [{ path: 'from', message: 'must be before to' }]);
      if ((to - from) / width > S.MAX_CANDLES) {
        throw new ApiError(400, 'bad_request', `the range spans more than ${S.MAX_CANDLES} candles`, [{ path: 'from', message: 'range too long' }]);
      }
      return { mint: params.mint, tf: query.tf, data: await data.candles(params.mint, query.tf, from, to) };
    },
  }),
  route({
    url: '/tokens/:mint/trades',
    summary: 'Trades of a token, newest first, with cursor pagination',
    tag: 'market',
    params: S.MintParams,
    query: S.TradesQuery,
    response: M.Page(M.Trade),
    rateLimited: true,
    maxAge: 1,
    handler: ({ params, query, data }) => data.trades(params.mint, query),
  }),
  route({
    url: '/tokens/:mint/holders',
    summary: 'Holder distribution (live after each trade, else the latest snapshot) and top holders',
    tag: 'market',
    params: S.MintParams,
    query: S.HoldersQuery,
    response: M.Holders,
    rateLimited: true,
    maxAge: 5,
    handler: ({ params, query, data }) => data.holders(params.mint, query.limit),
  }),
  route({
    url: '/tokens/:mint/scores',
    summary: 'Scores with breakdown and inputs, newest first: the current real-time score, then the history of scoring runs',
    tag: 'market',
    params: S.MintParams,
    query: S.ScoresQuery,
    response: z.object({ mint: z.string(), data: z.array(M.Score) }),
    rateLimited: true,
    maxAge: 5,
    handler: async ({ params, query, data }) => ({ mint: params.mint, data: await data.scores(params.mint, query.limit) }),
  }),
  route({
    url: '/stats',
    summary: 'System overview: volumes, ingest rate, lag, quarantine, jobs, cache',
    tag: 'system',
    query: S.EmptyQuery,
    response: M.Stats,
    rateLimited: true,
    maxAge: 1,
    handler: ({ data }) => data.stats(),
  }),
  route({
    url: '/health',
    summary: 'Liveness: the process answers',
    tag: 'system',
    query: S.EmptyQuery,
    response: M.Health,
    rateLimited: false,
    maxAge: 0,
    handler: async () => ({ status: 'ok' as const, uptime_s: Math.round((Date.now() - startedAt) / 1000) }),
  }),
  route({
    url: '/ready',
    summary: 'Readiness: database reachable and the pipeline not catching up (503 otherwise)',
    tag: 'system',
    query: S.EmptyQuery,
    response: M.Ready,
    rateLimited: false,
    maxAge: 0,
    handler: async ({ data, reply }) => {
      const r = await data.ready();
      if (!r.ready) reply.code(503);
      return r;
    },
  }),
  route({
    url: '/metrics',
    summary: 'Prometheus metrics (text exposition format)',
    tag: 'system',
    query: S.EmptyQuery,
    response: 'text',
    rateLimited: false,
    maxAge: 0,
    handler: async ({ reply }) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  }),
  route({
    url: '/openapi.json',
    summary: 'This document (OpenAPI 3.1, generated from the validation schemas)',
    tag: 'system',
    query: S.EmptyQuery,
    response: z.object({ openapi: z.string() }).loose(),
    rateLimited: false,
    maxAge: 60,
    handler: async () => (openApiDocument ??= buildOpenApi(routes, API_VERSION)),
  }),
  route({
    url: '/stream',
    summary: 'Live feed (Server-Sent Events): launch, trade and graduation events; from the event stream, resumable (`from_seq`, `from_time`, `Last-Event-ID`)',
    tag: 'stream',
    query: S.StreamQuery,
    response: 'event-stream',
    rateLimited: true,
    maxAge: 0,
    handler: async ({ query, feed, req, reply }) => {
      openStream(feed, query, req, reply);
      return undefined;
    },
  }),
];
