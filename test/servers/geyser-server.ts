/**
 * A local Yellowstone Geyser gRPC server: `/geyser.Geyser/Subscribe` (bidi) plus the unary
 * SubscribeReplayInfo/GetSlot/GetVersion/Ping, built on @grpc/grpc-js with the official client package's own
 * generated codecs, so `@triton-one/yellowstone-grpc` talks to it over http://127.0.0.1:PORT.
 *
 * It streams the same RPC-json transactions the RPC test server serves, block by block like a real server
 * at confirmed commitment (matching transaction updates in block order, then the block's blockMeta),
 * honors the transaction filters (vote/failed/accountInclude/Exclude/Required) and `fromSlot`, sends pings
 * and answers ping requests with pongs, and respects HTTP/2 flow control (a client that stops reading
 * stops the server's cursor, as a real server's bounded channel would). Faults on command: drop streams,
 * restart (kill every connection), skip slots, stall.
 */
import * as grpc from '@grpc/grpc-js';
import {
  GetSlotRequest,
  GetSlotResponse,
  GetVersionRequest,
  GetVersionResponse,
  PingRequest,
  PongResponse,
  SubscribeReplayInfoRequest,
  SubscribeReplayInfoResponse,
  SubscribeRequest,
  SubscribeRequestFilterAccounts,
  SubscribeRequestFilterBlocks,
  SubscribeRequestFilterBlocksMeta,
  SubscribeRequestFilterEntry,
  SubscribeRequestFilterSlots,
  SubscribeRequestFilterTransactions,
  SubscribeUpdate,
} from '@triton-one/yellowstone-grpc';
import { accountKeysOf, blocksOf, failed, type RpcTx } from './ledger.ts';
import { toBlockMeta, toTransactionUpdate } from './geyser-convert.ts';

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

function method<Req, Res>(name: string, req: Codec<Req>, res: Codec<Res>, requestStream: boolean, responseStream: boolean) {
  return {
    path: `/geyser.Geyser/${name}`,
    requestStream,
    responseStream,
    requestSerialize: (m: Req) => Buffer.from(req.encode(m).finish()),
    requestDeserialize: (b: Buffer) => req.decode(b),
    responseSerialize: (m: Res) => Buffer.from(res.encode(m).finish()),
    responseDeserialize: (b: Buffer) => res.decode(b),
  };
}

/** SubscribeRequest map fields (field number → property) whose values are filter messages. */
const FILTER_MAPS: Record<number, [keyof SubscribeRequest, { fromPartial(o: object): unknown }]> = {
  1: ['accounts', SubscribeRequestFilterAccounts],
  2: ['slots', SubscribeRequestFilterSlots],
  3: ['transactions', SubscribeRequestFilterTransactions],
  10: ['transactionsStatus', SubscribeRequestFilterTransactions],
  4: ['blocks', SubscribeRequestFilterBlocks],
  5: ['blocksMeta', SubscribeRequestFilterBlocksMeta],
  8: ['entry', SubscribeRequestFilterEntry],
};

/** Minimal protobuf walk: yields (field number, length-delimited payload) of the top level of `bytes`. */
function* lengthDelimitedFields(bytes: Uint8Array): Generator<[number, Uint8Array]> {
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
  };
  while (pos < bytes.length) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      yield [Math.floor(tag / 8), bytes.subarray(pos, pos + len)];
      pos += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

/**
 * The client's native (prost) encoder omits a map entry's value when the filter is empty
 * (`blocksMeta: {name: {}}` arrives as a key alone) and ts-proto's decoder then drops the entry; a real
 * server reads the missing value as the empty filter, so this does too.
 */
const subscribeRequestCodec: Codec<SubscribeRequest> = {
  encode: (m) => SubscribeRequest.encode(m),
  decode(bytes) {
    const req = SubscribeRequest.decode(bytes);
    for (const [field, payload] of lengthDelimitedFields(bytes)) {
      const map = FILTER_MAPS[field];
      if (!map) continue;
      const [prop, filterCodec] = map;
      for (const [entryField, keyBytes] of lengthDelimitedFields(payload)) {
        if (entryField !== 1) continue;
        (req[prop] as Record<string, unknown>)[Buffer.from(keyBytes).toString('utf8')] ??= filterCodec.fromPartial({});
      }
    }
    return req;
  },
};

const GEYSER_SERVICE = {
  Subscribe: method('Subscribe', subscribeRequestCodec, SubscribeUpdate, true, true),
  SubscribeReplayInfo: method('SubscribeReplayInfo', SubscribeReplayInfoRequest, SubscribeReplayInfoResponse, false, false),
  GetSlot: method('GetSlot', GetSlotRequest, GetSlotResponse, false, false),
  GetVersion: method('GetVersion', GetVersionRequest, GetVersionResponse, false, false),
  Ping: method('Ping', PingRequest, PongResponse, false, false),
} satisfies grpc.ServiceDefinition;

interface Block {
  slot: number;
  parentSlot: number;
  blockTime: number | null;
  txs: RpcTx[];
  /** Position in the ledger; blocks produced after a subscriber joined are "live" for it. */
  seq: number;
  /** Hidden from live subscribers (skipSlots); still replayable with fromSlot. */
  hiddenLive: boolean;
}

type Call = grpc.ServerDuplexStream<SubscribeRequest, SubscribeUpdate>;

interface Subscriber {
  call: Call;
  request: SubscribeRequest | null;
  /** Next ledger position to send. */
  cursor: number;
  /** Ledger length when it subscribed: blocks at or after this are live for it. */
  joinedAt: number;
  pumping: boolean;
  closed: boolean;
}

export interface GeyserTestServerOptions {
  /** Already produced when the server starts: replayable with fromSlot, not streamed to new subscribers. */
  transactions?: RpcTx[];
  /** Whether SubscribeReplayInfo answers and fromSlot is honored (older servers ignore it). Default true. */
  fromSlotSupport?: boolean;
  /** How many slots back from the tip fromSlot can reach (the server's replay_stored_slots). Default unlimited. */
  replayStoredSlots?: number;
  /** Server → client Ping updates. Default 15 000 like the real server. */
  pingIntervalMs?: number;
  port?: number;
}

export interface GeyserServerStats {
  subscribeCalls: number;
  /** fromSlot of every (non-ping) SubscribeRequest received (undefined when absent). */
  fromSlots: Array<string | undefined>;
  pingRequests: number;
  pongsSent: number;
  transactionUpdatesSent: number;
  /** Writes the server had to wait on because the client was not reading (HTTP/2 flow control). */
  backpressureWaits: number;
}

export interface GeyserTestServer {
  url: string;
  stats: GeyserServerStats;
  /** Produces blocks (grouped by slot, slots must increase) and streams them to subscribers. */
  publish(txs: RpcTx[]): void;
  /** The next `slots` blocks produced are not streamed to current subscribers (fromSlot replay still has them). */
  skipSlots(slots: number): void;
  /** Ends every Subscribe stream with UNAVAILABLE. */
  dropStreams(): void;
  /** Kills every connection (forceShutdown) and listens again on the same port. */
  restart(): Promise<void>;
  /** While stalled nothing is sent: no updates, pings or pongs. */
  stall(on: boolean): void;
  activeSubscribers(): number;
  /** Ground truth: every produced transaction, chain order. */
  transactions(): RpcTx[];
  tipSlot(): number;
  close(): Promise<void>;
}

function txMatches(tx: RpcTx, f: SubscribeRequestFilterTransactions): boolean {
  if (f.vote === true) return false; // the ledger holds no vote transactions
  if (f.failed !== undefined && f.failed !== failed(tx)) return false;
  if (f.signature !== undefined && f.signature !== tx.transaction.signatures[0]) return false;
  const keys = new Set(accountKeysOf(tx));
  if (f.accountInclude.length > 0 && !f.accountInclude.some((k) => keys.has(k))) return false;
  if (f.accountExclude.some((k) => keys.has(k))) return false;
  return f.accountRequired.every((k) => keys.has(k));
}

export async function startGeyserTestServer(opts: GeyserTestServerOptions = {}): Promise<GeyserTestServer> {
  const fromSlotSupport = opts.fromSlotSupport ?? true;
  const blocks: Block[] = [];
  const subscribers = new Set<Subscriber>();
  const stats: GeyserServerStats = { subscribeCalls: 0, fromSlots: [], pingRequests: 0, pongsSent: 0, transactionUpdatesSent: 0, backpressureWaits: 0 };
  let stalled = false;
  let skipLeft = 0;

  const produce = (txs: RpcTx[], live: boolean) => {
    for (const b of blocksOf(txs)) {
      const last = blocks[blocks.length - 1];
      if (last && b.slot <= last.slot) throw new Error(`publish whole slots in order: slot ${b.slot} after ${last.slot}`);
      const hiddenLive = live && skipLeft > 0;
      if (hiddenLive) skipLeft--;
      blocks.push({ ...b, parentSlot: last ? last.slot : b.slot - 1, seq: blocks.length, hiddenLive });
    }
  };
  produce(opts.transactions ?? [], false);

  const firstAvailableSlot = (): number | null => {
    if (blocks.length === 0) return null;
    const tip = blocks[blocks.length - 1]!.slot;
    return Math.max(blocks[0]!.slot, opts.replayStoredSlots === undefined ? -Infinity : tip - opts.replayStoredSlots);
  };

  const write = async (sub: Subscriber, update: Partial<SubscribeUpdate>): Promise<void> => {
    if (sub.closed) return;
    const ok = sub.call.write(SubscribeUpdate.fromPartial({ filters: [], createdAt: new Date(), ...update }));
    if (!ok) {
      stats.backpressureWaits++;
      await new Promise<void>((resolve) => {
        const done = () => {
          sub.call.off('drain', done);
          sub.call.off('close', done);
          resolve();
        };
        sub.call.on('drain', done);
        sub.call.on('close', done);
      });
    }
  };

  /** Sends whatever this subscriber has not seen yet, one block at a time. */
  const pump = async (sub: Subscriber): Promise<void> => {
    if (sub.pumping || !sub.request) return;
    sub.pumping = true;
    try {
      while (!sub.closed && !stalled && sub.cursor < blocks.length) {
        const block = blocks[sub.cursor++]!;
        if (block.hiddenLive && block.seq >= sub.joinedAt) continue;
        const req = sub.request;
        let index = 0;
        for (const tx of block.txs) {
          const names = Object.entries(req.transactions).filter(([, f]) => txMatches(tx, f)).map(([name]) => name);
          if (names.length > 0) {
            await write(sub, { filters: names, transaction: toTransactionUpdate(tx, index) });
            stats.transactionUpdatesSent++;
          }
          index++;
          if (sub.closed || stalled) break;
        }
        if (stalled) {
          sub.cursor--; // resend the interrupted block whole once the stall ends
          break;
        }
        const metaFilters = Object.keys(req.blocksMeta);
        if (metaFilters.length > 0) await write(sub, { filters: metaFilters, blockMeta: toBlockMeta(block.slot, block.parentSlot, block.blockTime, block.txs.length) });
      }
    } finally {
      sub.pumping = false;
    }
  };
  const pumpAll = () => {
    for (const sub of subscribers) void pump(sub);
  };

  const subscribe = (call: Call) => {
    stats.subscribeCalls++;
    const sub: Subscriber = { call, request: null, cursor: blocks.length, joinedAt: blocks.length, pumping: false, closed: false };
    subscribers.add(sub);
    const close = () => {
      sub.closed = true;
      subscribers.delete(sub);
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
    call.on('end', () => {
      if (!sub.closed) call.end();
    });
    call.on('data', (req: SubscribeRequest) => {
      if (req.ping) {
        stats.pingRequests++;
        if (!stalled) {
          void write(sub, { pong: { id: req.ping.id } });
          stats.pongsSent++;
        }
        return;
      }
      // Every non-ping request replaces the filters; one carrying fromSlot also repositions the stream.
      sub.request = req;
      stats.fromSlots.push(req.fromSlot);
      if (fromSlotSupport && req.fromSlot !== undefined) {
        const from = Number(req.fromSlot);
        const available = firstAvailableSlot();
        if (available !== null && from < available) {
          call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: `broadcast from ${from} is not available, last available: ${available}` });
          return;
        }
        const pos = blocks.findIndex((b) => b.slot >= from);
        sub.cursor = pos < 0 ? blocks.length : pos;
      }
      void pump(sub);
    });
  };

  const unary = <Req, Res>(answer: (req: Req) => Res | grpc.ServiceError) =>
    ((call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>) => {
      const out = answer(call.request);
      if (out instanceof Error) cb(out);
      else cb(null, out);
    }) as grpc.handleUnaryCall<Req, Res>;

  const unimplemented = (what: string): grpc.ServiceError =>
    Object.assign(new Error(what), { code: grpc.status.UNIMPLEMENTED, details: what, metadata: new grpc.Metadata() });

  const implementation: grpc.UntypedServiceImplementation = {
    Subscribe: subscribe,
    SubscribeReplayInfo: unary<SubscribeReplayInfoRequest, SubscribeReplayInfoResponse>(() => {
      if (!fromSlotSupport) return unimplemented('SubscribeReplayInfo is not implemented');
      const first = firstAvailableSlot();
      return first === null ? {} : { firstAvailable: String(first) };
    }),
    GetSlot: unary<GetSlotRequest, GetSlotResponse>(() => ({ slot: String(blocks[blocks.length - 1]?.slot ?? 0) })),
    GetVersion: unary<GetVersionRequest, GetVersionResponse>(() => ({ version: JSON.stringify({ version: { package: 'megatron-test-geyser' } }) })),
    Ping: unary<PingRequest, PongResponse>((req) => ({ count: req.count })),
  };

  let server: grpc.Server;
  let port = opts.port ?? 0;
  const listen = async () => {
    server = new grpc.Server();
    server.addService(GEYSER_SERVICE, implementation);
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
  };
  await listen();

  const pinger = setInterval(() => {
    if (stalled) return;
    for (const sub of subscribers) if (sub.request) void write(sub, { ping: {} });
  }, opts.pingIntervalMs ?? 15_000);
  pinger.unref();

  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    publish(txs) {
      produce(txs, true);
      pumpAll();
    },
    skipSlots(slots) {
      skipLeft += slots;
    },
    dropStreams() {
      for (const sub of subscribers) {
        sub.closed = true;
        sub.call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'dropped by the test server' });
      }
      subscribers.clear();
    },
    async restart() {
      for (const sub of subscribers) sub.closed = true;
      subscribers.clear();
      server.forceShutdown();
      await listen();
    },
    stall(on) {
      stalled = on;
      if (!on) pumpAll();
    },
    activeSubscribers: () => subscribers.size,
    transactions: () => blocks.flatMap((b) => b.txs),
    tipSlot: () => blocks[blocks.length - 1]?.slot ?? 0,
    async close() {
      clearInterval(pinger);
      for (const sub of subscribers) sub.closed = true;
      subscribers.clear();
      server.forceShutdown();
    },
  };
}
