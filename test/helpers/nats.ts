/**
 * A private NATS server with JetStream per test file: its own port and store directory, so tests never
 * share a stream with each other or with a running system. Fault tests kill and restart it.
 *
 *   before(async () => (nats = await startNatsServer()));
 *   after(() => nats?.close());
 *   await nats.kill(); await nats.restart(); // same port, same store: the stream survives
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/** Set when no nats-server binary is installed: pass as `{ skip: natsSkip }`. */
export const natsSkip: string | undefined = existsSync(NATS_SERVER_BIN)
  ? undefined
  : `${NATS_SERVER_BIN} is absent (apt-get install nats-server, or set NATS_SERVER_BIN); event stream tests skipped`;

export interface NatsServer {
  url: string;
  /** The running server's process id (benchmarks read its CPU time), or null while it is stopped. */
  readonly pid: number | null;
  port: number;
  storeDir: string;
  /** SIGTERM: a clean shutdown (JetStream flushes its store); resolves once the process exited. */
  stop(): Promise<void>;
  /** SIGKILL: a crash; resolves once the process exited. */
  kill(): Promise<void>;
  /** Starts it again (stopping it first if it runs) on the same port and store directory. */
  restart(): Promise<void>;
  /** Kills it and removes the store directory (the process is also killed if the test process exits first). */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once the server greets a client (its INFO line): JetStream is up before clients are accepted. */
async function accepting(port: number, child: ChildProcess, log: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nats-server exited (${child.exitCode ?? child.signalCode}): ${log()}`);
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('INFO'));
      });
      socket.once('error', () => resolve(false));
    });
    if (greeted) return;
    if (Date.now() > deadline) throw new Error(`nats-server on port ${port} not accepting after ${timeoutMs} ms: ${log()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A private nats-server (tests and benchmarks); the caller closes it. */
export async function startNatsServer(): Promise<NatsServer> {
  if (natsSkip) throw new Error(natsSkip);
  const port = await freePort();
  const storeDir = await mkdtemp(path.join(tmpdir(), 'megatron-nats-'));
  let child: ChildProcess | null = null;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    let output = '';
    const c = spawn(NATS_SERVER_BIN, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child = c;
    await accepting(port, c, () => output);
  };
  const signal = async (sig: NodeJS.Signals) => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill(sig);
    await exited;
  };
  const close = async () => {
    await signal('SIGKILL');
    process.removeListener('exit', killOnExit);
    await rm(storeDir, { recursive: true, force: true });
  };

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    get pid() {
      return child?.pid ?? null;
    },
    port,
    storeDir,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGTERM');
      await start();
    },
    close,
  };
}
