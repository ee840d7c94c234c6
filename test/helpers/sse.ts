import http from 'node:http';

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: unknown;
}

export interface SseReader {
  /** The response, once its headers arrived. */
  opened: Promise<http.IncomingMessage>;
  /** Resolves once `count` events arrived (or with what arrived, if the stream ends first). */
  events: Promise<SseEvent[]>;
  close(): void;
}

/** Opens a Server-Sent Events request and parses its events (`id`, `event`, JSON `data`); comments are skipped. */
export function readSse(url: string, count: number, headers: Record<string, string> = {}): SseReader {
  let req!: http.ClientRequest;
  let resolveOpen!: (r: http.IncomingMessage) => void;
  const opened = new Promise<http.IncomingMessage>((r) => (resolveOpen = r));
  const events = new Promise<SseEvent[]>((resolve) => {
    req = http.get(url, { headers }, (res) => {
      resolveOpen(res);
      const out: SseEvent[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(frame);
          const data = /^data: (.*)$/m.exec(frame);
          if (ev && data) out.push({ id: /^id: (.*)$/m.exec(frame)?.[1], event: ev[1]!, data: JSON.parse(data[1]!) });
          if (out.length >= count) resolve(out);
        }
      });
      res.on('end', () => resolve(out));
      res.on('error', () => resolve(out)); // the test closed the stream
    });
    req.on('error', () => {});
  });
  return { opened, events, close: () => req.destroy() };
}
