import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** TradingView lightweight-charts, the standalone ES module build, straight from node_modules (no CDN). */
function chartLibraryPath(): string {
  const pkg = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  return path.join(path.dirname(pkg), 'dist/lightweight-charts.standalone.production.mjs');
}

interface Asset {
  body: Buffer;
  type: string;
}

/**
 * The dashboard: a fixed set of files read once at start and served from memory. Only files that exist at
 * start are routable, so no request path ever reaches the file system (no traversal to guard against).
 */
export function registerDashboard(app: FastifyInstance): void {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(WEB_DIR)) {
    const type = TYPES[path.extname(name)];
    if (type) assets.set(`/${name}`, { body: readFileSync(path.join(WEB_DIR, name)), type });
  }
  assets.set('/vendor/lightweight-charts.mjs', { body: readFileSync(chartLibraryPath()), type: TYPES['.mjs']! });
  const index = assets.get('/index.html');
  if (index) assets.set('/', index);

  for (const [url, asset] of assets) {
    app.get(url, { config: { rateLimit: false } }, (_req, reply) => {
      reply.header('cache-control', url.startsWith('/vendor/') ? 'public, max-age=86400' : 'no-cache').type(asset.type).send(asset.body);
    });
  }
}

/** URLs served by {@link registerDashboard}, which are not API routes (and not in /openapi.json). */
export function isDashboardUrl(url: string): boolean {
  return url === '/' || url.startsWith('/vendor/') || /^\/[\w.-]+\.(html|js|css|svg)$/.test(url);
}
