import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { feedDropped, feedSubscribers } from '../core/metrics.ts';
import type { FeedPosition, LiveFeed } from '../feed/live-feed.ts';
import type { FeedMessage } from '../feed/messages.ts';
import { ApiError, parseInput } from './errors.ts';
import { LastEventId, type StreamQuery } from './schemas.ts';

/** A slow client may fall this far behind before its messages are dropped (memory stays bounded). */
const MAX_BUFFERED_BYTES = 1 << 20;
/** Comment lines keep proxies and browsers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Where a client resumes, or null for live. `Last-Event-ID` (an EventSource reconnecting, with the URL it
 * first opened) wins over `from_seq` / `from_time`: it is where that client got to. Only the event stream
 * can resume: asking another feed for a position is a 400, while a `Last-Event-ID` it never sent is ignored.
 */
export function resumePosition(feed: LiveFeed, query: StreamQuery, lastEventId: string | undefined): FeedPosition | null {
  const asked = query.from_seq !== undefined ? { seq: query.from_seq } : query.from_time !== undefined ? { timeMs: query.from_time } : null;
  if (!feed.replay) {
    if (!asked) return null;
    const param = 'seq' in asked ? 'from_seq' : 'from_time';
    throw new ApiError(400, 'bad_request', `${param} needs the event stream (NATS_URL): this API's live feed (${feed.mode}) keeps no history`, [
      { path: param, message: 'needs the event stream' },
    ]);
  }
  if (lastEventId) return { seq: parseInput(LastEventId, lastEventId, 'Last-Event-ID') + 1 };
  return asked;
}

/** Resolves once `res` can take more (or is gone). */
const drained = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

/**
 * `/stream`: Server-Sent Events of the live feed. Each message is one SSE event named by its kind
 * (`launch`, `trade`, `graduation`) with the JSON message as data and, from the event stream, its sequence
 * as `id`; `types` and `mint` filter server-side. A live client that stops reading has messages dropped;
 * a resumed one (its own reader of the stream) is waited for instead, so it misses nothing.
 */
export function openStream(feed: LiveFeed, query: StreamQuery, req: FastifyRequest, reply: FastifyReply): void {
  const header = req.headers['last-event-id'];
  const from = resumePosition(feed, query, Array.isArray(header) ? header[0] : header);
  const kinds = new Set(query.types ?? ['launch', 'trade', 'graduation']);
  const wanted = (m: FeedMessage) => kinds.has(m.kind) && (query.mint === undefined || m.mint === query.mint);
  const framesOf = (messages: readonly FeedMessage[]) => {
    let chunk = '';
    for (const m of messages) if (wanted(m)) chunk += `${m.seq === undefined ? '' : `id: ${m.seq}\n`}event: ${m.kind}\ndata: ${JSON.stringify(m)}\n\n`;
    return chunk;
  };
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: 2000\n: connected ${feed.mode}\n\n`);
  feedSubscribers.inc();

  const unsubscribe =
    from && feed.replay
      ? feed.replay(from, (messages) => {
          const chunk = framesOf(messages);
          if (chunk !== '' && !res.write(chunk)) return drained(res);
        })
      : feed.subscribe((messages) => {
          const chunk = framesOf(messages);
          if (chunk === '') return;
          if (res.writableLength > MAX_BUFFERED_BYTES) {
            feedDropped.inc(messages.filter(wanted).length);
            return;
          }
          res.write(chunk);
        });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();

  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    feedSubscribers.dec();
  };
  req.raw.on('close', close);
  res.on('close', close);
}
