/**
 * A local Solana JSON-RPC endpoint (HTTP + WebSocket on one port) over an in-memory ledger, for testing
 * sources end to end: getTransaction (json/base64), getSignaturesForAddress (newest first, before/until/limit),
 * getSlot, getAccountInfo, and logsSubscribe with a `mentions` filter. Faults on command: drop every
 * connection, skip notifications for some slots, stall, fail HTTP requests. Tests may `publish` more
 * transactions while it runs; the ledger is the ground truth to compare a source's output against.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { accountKeysOf, signatureOf, type RpcTx } from './ledger.ts';
import { toBase64Result } from './wire.ts';

export interface TestAccount {
  lamports: number;
  owner: string;
  /** base64 account data. */
  data: string;
  executable?: boolean;
}

export interface RpcTestServerOptions {
  /** Already on chain when the server starts (history for getSignaturesForAddress / getTransaction). */
  transactions?: RpcTx[];
  accounts?: Record<string, TestAccount>;
  /** getTransaction answers null for this long after a transaction is published (nodes lag their own notifications). */
  txVisibilityDelayMs?: number;
  port?: number;
}

interface Entry {
  tx: RpcTx;
  signature: string;
  /** Position in its slot: returned as `transactionIndex` like current validators do. */
  index: number;
  visibleAtMs: number;
}

interface Subscription {
  id: number;
  /** null = every transaction ("all"). */
  mentions: string | null;
  ws: WebSocket;
}

export interface RpcServerStats {
  /** Requests per JSON-RPC method (batch members count one each). */
  requests: Map<string, number>;
  inFlight: number;
  /** Most HTTP requests in flight at once: checks a client's concurrency bound. */
  maxInFlight: number;
  /** Arrival time (ms) of every HTTP request: checks a client's rate limit. */
  requestTimes: number[];
  wsConnectionsOpened: number;
  notificationsSent: number;
}

export interface RpcTestServer {
  httpUrl: string;
  wsUrl: string;
  stats: RpcServerStats;
  /** Appends to the ledger and notifies subscribers (unless muted / skipping / stalled). */
  publish(txs: RpcTx[]): void;
  /** The next `slots` distinct slots published are stored but never notified (a lossy subscription). */
  skipNotifications(slots: number): void;
  /** Terminates every WebSocket and HTTP connection (the server keeps listening). */
  dropConnections(): void;
  /** While stalled: no notifications, no WebSocket pongs, HTTP requests hang until the stall ends. */
  stall(on: boolean): void;
  /** The next `count` HTTP requests answer with `status` (429, 503, …). */
  failHttp(count: number, status: number): void;
  /** Resolves once `count` logs subscriptions are active. */
  waitForSubscriptions(count: number, timeoutMs?: number): Promise<void>;
  activeSubscriptions(): number;
  /** Ground truth: every transaction in the ledger, chain order. */
  transactions(): RpcTx[];
  tipSlot(): number;
  close(): Promise<void>;
}

const rpcError = (id: unknown, code: number, message: string) => ({ jsonrpc: '2.0', id, error: { code, message } });
const rpcResult = (id: unknown, result: unknown) => ({ jsonrpc: '2.0', id, result });

export async function startRpcTestServer(opts: RpcTestServerOptions = {}): Promise<RpcTestServer> {
  const ledger: Entry[] = [];
  const bySignature = new Map<string, Entry>();
  /** Per address, ledger positions in chain order (what getSignaturesForAddress walks backwards). */
  const byAddress = new Map<string, Entry[]>();
  const subscriptions = new Map<number, Subscription>();
  const sockets = new Set<Socket>();
  const stats: RpcServerStats = { requests: new Map(), inFlight: 0, maxInFlight: 0, requestTimes: [], wsConnectionsOpened: 0, notificationsSent: 0 };
  let nextSubId = 1;
  let stalled = false;
  let stallWaiters: Array<() => void> = [];
  let skipSlotsLeft = 0;
  let lastSkippedSlot: number | null = null;
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let subscriptionWaiters: Array<() => void> = [];

  const insert = (tx: RpcTx, visibleAtMs: number): Entry | null => {
    const signature = signatureOf(tx);
    if (bySignature.has(signature)) return null;
    const last = ledger[ledger.length - 1];
    if (last && tx.slot < last.tx.slot) throw new Error(`publish in chain order: slot ${tx.slot} after ${last.tx.slot}`);
    const entry = { tx, signature, visibleAtMs, index: last && last.tx.slot === tx.slot ? last.index + 1 : 0 };
    ledger.push(entry);
    bySignature.set(signature, entry);
    for (const key of new Set(accountKeysOf(tx))) {
      const list = byAddress.get(key);
      if (list) list.push(entry);
      else byAddress.set(key, [entry]);
    }
    return entry;
  };
  for (const tx of opts.transactions ?? []) insert(tx, 0);

  const notify = (entry: Entry) => {
    const keys = new Set(accountKeysOf(entry.tx));
    for (const sub of subscriptions.values()) {
      if (sub.mentions !== null && !keys.has(sub.mentions)) continue;
      const msg = {
        jsonrpc: '2.0',
        method: 'logsNotification',
        params: {
          result: { context: { slot: entry.tx.slot }, value: { signature: entry.signature, err: entry.tx.meta?.err ?? null, logs: entry.tx.meta?.logMessages ?? [] } },
          subscription: sub.id,
        },
      };
      sub.ws.send(JSON.stringify(msg));
      stats.notificationsSent++;
    }
  };

  const getSignaturesForAddress = (params: unknown[]) => {
    const address = String(params[0]);
    const cfg = (params[1] ?? {}) as { before?: string; until?: string; limit?: number };
    const limit = Math.min(cfg.limit ?? 1000, 1000);
    const list = byAddress.get(address) ?? [];
    let i = list.length - 1;
    if (cfg.before) {
      const pos = list.findIndex((e) => e.signature === cfg.before);
      if (pos < 0) return [];
      i = pos - 1;
    }
    const out = [];
    for (; i >= 0 && out.length < limit; i--) {
      const e = list[i]!;
      if (e.signature === cfg.until) break;
      out.push({ signature: e.signature, slot: e.tx.slot, err: e.tx.meta?.err ?? null, memo: null, blockTime: e.tx.blockTime, confirmationStatus: 'confirmed' });
    }
    return out;
  };

  const handle = (req: { id?: unknown; method?: unknown; params?: unknown }) => {
    const method = String(req.method);
    stats.requests.set(method, (stats.requests.get(method) ?? 0) + 1);
    const params = Array.isArray(req.params) ? req.params : [];
    switch (method) {
      case 'getSlot':
        return rpcResult(req.id, ledger.length ? ledger[ledger.length - 1]!.tx.slot : 0);
      case 'getSignaturesForAddress':
        return rpcResult(req.id, getSignaturesForAddress(params));
      case 'getTransaction': {
        const cfg = (params[1] ?? {}) as { encoding?: string; maxSupportedTransactionVersion?: number; commitment?: string };
        if (cfg.commitment === 'processed') return rpcError(req.id, -32602, 'Invalid params: commitment processed is not supported');
        const entry = bySignature.get(String(params[0]));
        if (!entry || Date.now() < entry.visibleAtMs) return rpcResult(req.id, null);
        const version = entry.tx.version ?? 'legacy';
        if (version !== 'legacy' && (cfg.maxSupportedTransactionVersion === undefined || cfg.maxSupportedTransactionVersion < 0)) {
          return rpcError(req.id, -32015, `Transaction version (${version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0`);
        }
        const encoding = cfg.encoding ?? 'json';
        const tx = { ...entry.tx, transactionIndex: entry.index };
        if (encoding === 'json') return rpcResult(req.id, tx);
        if (encoding === 'base64') return rpcResult(req.id, toBase64Result(tx));
        return rpcError(req.id, -32602, `Invalid params: encoding ${encoding} is not served by the test server`);
      }
      case 'getAccountInfo': {
        const acc = opts.accounts?.[String(params[0])];
        const slot = ledger.length ? ledger[ledger.length - 1]!.tx.slot : 0;
        return rpcResult(req.id, {
          context: { slot },
          value: acc ? { lamports: acc.lamports, owner: acc.owner, data: [acc.data, 'base64'], executable: acc.executable ?? false, rentEpoch: 0, space: Buffer.from(acc.data, 'base64').length } : null,
        });
      }
      default:
        return rpcError(req.id, -32601, 'Method not found');
    }
  };

  const untilUnstalled = () => (stalled ? new Promise<void>((r) => stallWaiters.push(r)) : Promise.resolve());

  const httpServer = http.createServer((req, res) => {
    stats.requestTimes.push(Date.now());
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        await untilUnstalled();
        // Answer on the next turn so overlapping requests are really in flight together.
        await new Promise((r) => setImmediate(r));
        try {
          if (failures.count > 0) {
            failures.count--;
            res.writeHead(failures.status, { 'content-type': 'text/plain' }).end('injected failure');
            return;
          }
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rpcError(null, -32700, 'Parse error')));
            return;
          }
          const out = Array.isArray(body) ? body.map((r) => handle(r as object)) : handle(body as object);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
        } finally {
          stats.inFlight--;
        }
      })();
    });
  });
  httpServer.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const wss = new WebSocketServer({ server: httpServer, autoPong: false });
  wss.on('connection', (ws) => {
    stats.wsConnectionsOpened++;
    ws.on('ping', (data) => {
      if (!stalled) ws.pong(data);
    });
    ws.on('message', (raw) => {
      let msg: { id?: unknown; method?: string; params?: unknown[] };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        ws.send(JSON.stringify(rpcError(null, -32700, 'Parse error')));
        return;
      }
      if (msg.method === 'logsSubscribe') {
        const filter = msg.params?.[0];
        let mentions: string | null = null;
        if (filter && typeof filter === 'object' && 'mentions' in filter) {
          const list = (filter as { mentions: unknown }).mentions;
          if (!Array.isArray(list) || list.length !== 1) {
            ws.send(JSON.stringify(rpcError(msg.id, -32602, 'Invalid Request: Only 1 address supported')));
            return;
          }
          mentions = String(list[0]);
        } else if (filter !== 'all' && filter !== 'allWithVotes') {
          ws.send(JSON.stringify(rpcError(msg.id, -32602, 'Invalid params: unsupported logs filter')));
          return;
        }
        const id = nextSubId++;
        subscriptions.set(id, { id, mentions, ws });
        ws.send(JSON.stringify(rpcResult(msg.id, id)));
        for (const w of subscriptionWaiters.splice(0)) w();
      } else if (msg.method === 'logsUnsubscribe') {
        const id = Number(msg.params?.[0]);
        ws.send(JSON.stringify(rpcResult(msg.id, subscriptions.delete(id))));
      } else {
        ws.send(JSON.stringify(rpcError(msg.id, -32601, 'Method not found')));
      }
    });
    ws.on('close', () => {
      for (const [id, sub] of subscriptions) if (sub.ws === ws) subscriptions.delete(id);
    });
  });

  await new Promise<void>((resolve) => httpServer.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    stats,
    publish(txs) {
      for (const tx of txs) {
        const entry = insert(tx, Date.now() + (opts.txVisibilityDelayMs ?? 0));
        if (!entry) continue;
        if (skipSlotsLeft > 0 || lastSkippedSlot === tx.slot) {
          if (lastSkippedSlot !== tx.slot) {
            skipSlotsLeft--;
            lastSkippedSlot = tx.slot;
          }
          continue;
        }
        lastSkippedSlot = null;
        if (!stalled) notify(entry);
      }
    },
    skipNotifications(slots) {
      skipSlotsLeft += slots;
    },
    dropConnections() {
      for (const ws of wss.clients) ws.terminate();
      for (const s of sockets) s.destroy();
    },
    stall(on) {
      stalled = on;
      if (!on) for (const w of stallWaiters.splice(0)) w();
    },
    failHttp(count, status) {
      failures = { count, status };
    },
    async waitForSubscriptions(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (subscriptions.size < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} subscriptions (have ${subscriptions.size})`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, 50);
          subscriptionWaiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
    activeSubscriptions: () => subscriptions.size,
    transactions: () => ledger.map((e) => e.tx),
    tipSlot: () => (ledger.length ? ledger[ledger.length - 1]!.tx.slot : 0),
    async close() {
      stalled = false;
      for (const w of stallWaiters.splice(0)) w();
      subscriptionWaiters = [];
      stallWaiters = [];
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}

