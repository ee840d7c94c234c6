/**
 * One WebSocket with a `logsSubscribe` per program (the method takes exactly one address). Notifications
 * are only triggers: the source fetches the full transaction over HTTP. A ping/pong heartbeat turns a
 * silently dead connection (a stalled node, a proxy that dropped us) into a close the source reacts to.
 */
import WebSocket from 'ws';
import { errorMessage } from '../../core/errors.ts';
import { redactUrl } from '../../core/redact.ts';

export interface LogsNotification {
  program: string;
  signature: string;
  slot: number;
  /** Transaction error (null on success): lets the source skip failed transactions without fetching them. */
  err: unknown;
}

export interface LogsSocketOptions {
  url: string;
  programs: string[];
  commitment: 'processed' | 'confirmed' | 'finalized';
  /** Ping interval; the socket is declared dead when a ping goes unanswered for this long. */
  heartbeatMs: number;
  /** Connect + subscribe deadline. */
  openTimeoutMs: number;
  onNotification(n: LogsNotification): void;
}

export class LogsSocket {
  /** Resolves (never rejects) with the reason once the socket is gone. */
  readonly closed: Promise<Error>;
  private closeWith!: (reason: Error) => void;
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => (this.closeWith = resolve));
  }

  /** Connects and subscribes to every program; rejects (redacted) when either fails or times out. */
  static async open(opts: LogsSocketOptions): Promise<LogsSocket> {
    const ws = new WebSocket(opts.url, { handshakeTimeout: opts.openTimeoutMs });
    const socket = new LogsSocket(ws);
    const subscriptionProgram = new Map<number, string>();
    const pending = new Map<number, { program: string; resolve: () => void; reject: (e: Error) => void }>();

    ws.on('message', (raw) => {
      let msg: { id?: number; result?: unknown; error?: { message: string; code: number }; method?: string; params?: { subscription: number; result: { context: { slot: number }; value: { signature: string; err: unknown } } } };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        return;
      }
      if (msg.method === 'logsNotification' && msg.params) {
        const program = subscriptionProgram.get(msg.params.subscription);
        const { context, value } = msg.params.result;
        if (program) opts.onNotification({ program, signature: value.signature, slot: context.slot, err: value.err ?? null });
        return;
      }
      const waiter = msg.id === undefined ? undefined : pending.get(msg.id);
      if (!waiter) return;
      pending.delete(msg.id!);
      if (msg.error) waiter.reject(new Error(`logsSubscribe ${waiter.program}: ${msg.error.message} (code ${msg.error.code})`));
      else {
        subscriptionProgram.set(Number(msg.result), waiter.program);
        waiter.resolve();
      }
    });
    ws.on('close', (code, reason) => socket.finish(new Error(`websocket closed (${code}${reason.length ? ` ${String(reason)}` : ''})`)));
    ws.on('error', (err) => socket.finish(new Error(`websocket error: ${redactUrl(errorMessage(err))}`)));

    const deadline = setTimeout(() => socket.finish(new Error(`websocket open/subscribe timed out after ${opts.openTimeoutMs} ms`)), opts.openTimeoutMs);
    try {
      await Promise.race([
        new Promise<void>((resolve) => ws.once('open', () => resolve())),
        socket.closed.then((reason) => Promise.reject(reason)),
      ]);
      await Promise.race([
        Promise.all(
          opts.programs.map(
            (program, i) =>
              new Promise<void>((resolve, reject) => {
                pending.set(i + 1, { program, resolve, reject });
                ws.send(JSON.stringify({ jsonrpc: '2.0', id: i + 1, method: 'logsSubscribe', params: [{ mentions: [program] }, { commitment: opts.commitment }] }));
              }),
          ),
        ),
        socket.closed.then((reason) => Promise.reject(reason)),
      ]);
    } catch (err) {
      socket.close();
      throw new Error(redactUrl(errorMessage(err)));
    } finally {
      clearTimeout(deadline);
    }
    socket.startHeartbeat(opts.heartbeatMs);
    return socket;
  }

  close(): void {
    this.finish(new Error('closed by the source'));
  }

  private startHeartbeat(intervalMs: number): void {
    let answered = true;
    this.ws.on('pong', () => (answered = true));
    this.heartbeat = setInterval(() => {
      if (!answered) {
        this.finish(new Error(`websocket heartbeat: no pong within ${intervalMs} ms`));
        return;
      }
      answered = false;
      this.ws.ping();
    }, intervalMs);
  }

  private finish(reason: Error): void {
    clearInterval(this.heartbeat);
    this.closeWith(reason);
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
  }
}
