/**
 * GET /studio: the Studio web UI (architecture.md §1), public like /tracker.js (details.md §4):
 * the page holds no data, and everything it shows it asks of the API with the user's credential.
 * The files Vite built into dist/studio/ are read once at start and kept with their gzip'd form.
 * The page revalidates on every load (`no-cache` with an ETag, so a new version shows at once);
 * the assets have content hashes in their names and are cached for a year.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../domain/errors.js';
import type { AppContext } from '../context.js';
import { gatewayError, type OpenApiPaths } from '../openapi.js';
import { accepts } from './tracker.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json']);

const PAGE_CACHE = 'no-cache';
const ASSET_CACHE = 'public, max-age=31536000, immutable';

/**
 * The page talks to its own origin only. Styles allow inline `style` attributes because the
 * chart library sets some on its SVG; scripts are only the bundle's.
 */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** dist/studio/ beside src/ (running from the sources) or the dist/ this file was compiled into. */
export function studioBuildDir(): string | undefined {
  const candidates = ['../../../dist/studio/', '../../../../dist/studio/'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  return candidates.find((p) => existsSync(join(p, 'index.html')));
}

interface StaticFile {
  type: string;
  cache: string;
  etag: string;
  body: Buffer;
  gzip: Buffer | undefined;
}

function load(path: string, cache: string): StaticFile {
  const ext = extname(path);
  const body = readFileSync(path);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  const gzip =
    COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined;
  return {
    type: CONTENT_TYPES[ext] ?? 'application/octet-stream',
    cache,
    etag,
    body,
    gzip: gzip && gzip.length < body.length ? gzip : undefined,
  };
}

/** The built files: the page, and the assets by file name. Missing build: an empty map. */
function loadBuild(dir: string | undefined) {
  const assets = new Map<string, StaticFile>();
  if (!dir) return { page: undefined, assets };
  const assetDir = join(dir, 'assets');
  if (existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      if (CONTENT_TYPES[extname(name)]) assets.set(name, load(join(assetDir, name), ASSET_CACHE));
    }
  }
  return { page: load(join(dir, 'index.html'), PAGE_CACHE), assets };
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile) {
  const gzip = file.gzip !== undefined && accepts(request.headers['accept-encoding'], 'gzip');
  const etag = gzip ? `${file.etag.slice(0, -1)}-gz"` : file.etag;
  reply
    .header('Content-Type', file.type)
    .header('Cache-Control', file.cache)
    .header('ETag', etag)
    .header('Vary', 'Accept-Encoding')
    .header('X-Content-Type-Options', 'nosniff');
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch?.split(',').some((tag) => tag.trim() === etag)) return reply.status(304).send();
  if (gzip) reply.header('Content-Encoding', 'gzip');
  return reply.send(gzip ? file.gzip : file.body);
}

export function studioRoutes(app: FastifyInstance, _ctx: AppContext): void {
  const build = loadBuild(studioBuildDir());

  app.get('/studio', async (request, reply) => {
    if (!build.page) {
      throw new AppError(
        'RESOURCE_NOT_FOUND',
        'the Studio is not built in this installation: run `npm run build`',
      );
    }
    reply
      .header('Content-Security-Policy', PAGE_POLICY)
      .header('Referrer-Policy', 'no-referrer')
      .header('X-Frame-Options', 'DENY');
    return send(request, reply, build.page);
  });

  app.get('/studio/assets/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const found = build.assets.get(file);
    if (!found) throw new AppError('RESOURCE_NOT_FOUND', `no Studio file ${file}`);
    return send(request, reply, found);
  });
}

export const studioOpenApi: OpenApiPaths = {
  '/studio': {
    get: {
      summary: 'Cuepoint Studio, the reports UI',
      description:
        'A web page that signs in with a client credential or a reporting key and shows every report as charts and tables, through this API. No credential needed to load it.',
      security: [],
      responses: {
        '200': {
          description: 'the page',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
        '304': { description: 'not modified (If-None-Match)' },
        '404': gatewayError('the Studio was not built in this installation'),
      },
    },
  },
  '/studio/assets/{file}': {
    get: {
      summary: 'A script or style sheet of the Studio',
      description: 'Names carry a content hash; cached for a year.',
      security: [],
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'the file' },
        '304': { description: 'not modified (If-None-Match)' },
        '404': gatewayError('no such file'),
      },
    },
  },
};
