/**
 * GET /tracker.js: the browser tracker (events.md §3), public, no credential. The file
 * public/tracker.js is read once at start, served without its comments and indentation (the
 * source stays readable, the page downloads a few KiB), gzip'd when the browser accepts it, with
 * an ETag so a revalidation costs a 304.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { OpenApiPaths } from '../openapi.js';

const CONTENT_TYPE = 'text/javascript; charset=utf-8';
/** Not versioned in its URL, so caches keep it an hour; the ETag makes the check cheap. */
const CACHE_CONTROL = 'public, max-age=3600';

/** public/tracker.js beside src/ (running from the sources) or beside dist/ (compiled). */
export function trackerSourcePath(): string {
  const candidates = ['../../../public/tracker.js', '../../../../public/tracker.js'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`tracker.js not found; looked at ${candidates.join(', ')}`);
  return found;
}

/**
 * Drops comments and indentation, line by line; the source follows the rules this relies on
 * (its header says so): block comments start their own line, line comments are alone on their
 * line or follow code as " // " outside a '…' string. Lines stay lines, so no statement merges.
 */
export function compactScript(source: string): string {
  const out: string[] = [];
  let inBlock = false;
  for (const raw of source.split('\n')) {
    let line = raw.trim();
    if (inBlock) {
      inBlock = !line.includes('*/');
      continue;
    }
    if (line.startsWith('/*')) {
      inBlock = !line.includes('*/');
      continue;
    }
    if (line.startsWith('//')) continue;
    // The first " // " with an even number of quotes before it is outside a string.
    for (let at = line.indexOf(' // '); at >= 0; at = line.indexOf(' // ', at + 1)) {
      if (line.slice(0, at).split("'").length % 2 === 1) {
        line = line.slice(0, at).trimEnd();
        break;
      }
    }
    if (line !== '') out.push(line);
  }
  return out.join('\n') + '\n';
}

/** Whether an Accept-Encoding header accepts `coding` (named, and not with q=0). */
export function accepts(header: string | undefined, coding: string): boolean {
  return (header ?? '').split(',').some((part) => {
    const [name = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    return name === coding && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

interface Variant {
  body: Buffer;
  etag: string;
}

export function trackerRoutes(app: FastifyInstance, _ctx: AppContext): void {
  const plain = Buffer.from(compactScript(readFileSync(trackerSourcePath(), 'utf8')));
  const hash = createHash('sha256').update(plain).digest('base64url').slice(0, 22);
  const identity: Variant = { body: plain, etag: `"${hash}"` };
  const gzip: Variant = { body: gzipSync(plain, { level: 9 }), etag: `"${hash}-gz"` };

  app.get('/tracker.js', async (request, reply) => {
    const acceptsGzip = accepts(request.headers['accept-encoding'], 'gzip');
    const variant = acceptsGzip ? gzip : identity;
    reply
      .header('Content-Type', CONTENT_TYPE)
      .header('Cache-Control', CACHE_CONTROL)
      .header('ETag', variant.etag)
      .header('Vary', 'Accept-Encoding')
      // Lets pages load it with crossorigin="anonymous" (Subresource Integrity, error details).
      .header('Access-Control-Allow-Origin', '*')
      .header('X-Content-Type-Options', 'nosniff');
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === variant.etag)) {
      return reply.status(304).send();
    }
    if (acceptsGzip) reply.header('Content-Encoding', 'gzip');
    return reply.send(variant.body);
  });
}

export const trackerOpenApi: OpenApiPaths = {
  '/tracker.js': {
    get: {
      summary: 'The browser tracker',
      description:
        'A dependency-free script exposing window.Cuepoint (init, attach, track, forward). No credential.',
      security: [],
      responses: {
        '200': {
          description: 'the script',
          content: { 'text/javascript': { schema: { type: 'string' } } },
        },
        '304': { description: 'not modified (If-None-Match)' },
      },
    },
  },
};
