import type { FastifyReply, FastifyRequest } from 'fastify';
import { feedDropped, feedSubscribers } from '../core/metrics.ts';
import type { LiveFeed } from '../feed/live-feed.ts';
import type { FeedMessage } from '../feed/messages.ts';
import type { StreamQuery } from './schemas.ts';

/** A slow client may fall this far behind before its messages are dropped (memory stays bounded). */
const MAX_BUFFERED_BYTES = 1 << 20;
/** Comment lines keep proxies and browsers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * `/stream`: Server-Sent Events of the live feed. Each message is one SSE event named by its kind
 * (`launch`, `trade`, `graduation`) with the JSON message as data; `types` and `mint` filter server-side.
 */
export function openStream(feed: LiveFeed, query: StreamQuery, req: FastifyRequest, reply: FastifyReply): void {
  const kinds = new Set(query.types ?? ['launch', 'trade', 'graduation']);
  const wanted = (m: FeedMessage) => kinds.has(m.kind) && (query.mint === undefined || m.mint === query.mint);
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

  const unsubscribe = feed.subscribe((messages) => {
    let chunk = '';
    for (const m of messages) if (wanted(m)) chunk += `event: ${m.kind}\ndata: ${JSON.stringify(m)}\n\n`;
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
