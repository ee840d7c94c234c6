import { z } from 'zod';
import type { RouteSpec } from './routes.ts';
import { ErrorBody } from './schemas.ts';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[]; description?: string };

const toSchema = (s: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** `/tokens/:mint` → `/tokens/{mint}` */
const openApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

function parameters(spec: RouteSpec): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue;
    const obj = toSchema(schema, 'input');
    for (const [name, prop] of Object.entries(obj.properties ?? {})) {
      const { description, ...propSchema } = prop;
      out.push({ name, in: where, required: where === 'path' || (obj.required ?? []).includes(name), description, schema: propSchema });
    }
  }
  return out;
}

function success(spec: RouteSpec): unknown {
  if (spec.response === 'text') return { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } };
  if (spec.response === 'event-stream') {
    const description =
      'Server-Sent Events; event names: launch, trade, graduation; data: JSON message. When the feed reads the event stream, each event has ' +
      'its stream sequence as `id`, and a reconnecting EventSource resumes after the last one it received (its `Last-Event-ID` header wins over from_seq/from_time)';
    return { description, content: { 'text/event-stream': { schema: { type: 'string' } } } };
  }
  return { description: 'OK', content: { 'application/json': { schema: toSchema(spec.response, 'output') } } };
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const error = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const paths: Record<string, unknown> = {};
  for (const spec of routes) {
    paths[openApiPath(spec.url)] = {
      get: {
        summary: spec.summary,
        tags: [spec.tag],
        parameters: parameters(spec),
        responses: {
          200: success(spec),
          400: error,
          ...(spec.params ? { 404: error } : {}),
          ...(spec.rateLimited ? { 429: error } : {}),
          ...(spec.url === '/ready' ? { 503: error } : {}),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Megatron API',
      version,
      description: 'Read-only market data for pump.fun and Raydium LaunchLab tokens. Amounts are exact decimal strings; prices are decimal strings with 15 significant digits.',
    },
    paths,
    components: { schemas: { Error: toSchema(ErrorBody, 'output') } },
  };
}
