/**
 * The browser tracker (events.md §3) end to end: Debian's headless Chromium (never a downloaded
 * browser) opens a page from one origin, loads /tracker.js from the Cuepoint server on another
 * (so CORS is real), and plays real media in <video> elements; the test then reads what the
 * server stored from its DuckDB file. A flaky proxy that stores a batch and then answers 503
 * proves that the tracker's retry is not counted twice.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Script } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { chromium, type Browser, type Request } from 'playwright-core';
import { accepts, compactScript } from '../src/http/routes/tracker.js';
import { readEvents } from './helpers/events.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];
const noBrowser = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: apt-get install chromium (scripts/test.sh does)`;

const MEDIA_SECONDS = 6;

/** A mono 8 kHz 8-bit PCM WAV of a quiet 440 Hz tone: Chromium plays it in a <video>. */
function wav(seconds: number, rate = 8000): Buffer {
  const samples = seconds * rate;
  const b = Buffer.alloc(44 + samples);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + samples, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate, 28); // bytes per second
  b.writeUInt16LE(1, 32); // block align
  b.writeUInt16LE(8, 34); // bits per sample
  b.write('data', 36);
  b.writeUInt32LE(samples, 40);
  for (let i = 0; i < samples; i++) b[44 + i] = 128 + Math.round(16 * Math.sin(i * 0.3456));
  return b;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }),
  );
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** The publisher's site: a page with three <video> elements and the media, with Range support. */
function pageServer(trackerUrl: string): Server {
  const media = wav(MEDIA_SECONDS);
  const videos = ['a', 'b', 'c'].map((id) => `<video id="${id}" src="/media.wav" preload="auto">`);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>player</title>
<script src="${trackerUrl}"></script></head><body>${videos.join('</video>')}</video></body></html>`;
  return createServer((req, res) => {
    if (req.url !== '/media.wav') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(html);
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Number(range[2]) : media.length - 1;
    res.writeHead(range ? 206 : 200, {
      'Content-Type': 'audio/wav',
      'Accept-Ranges': 'bytes',
      'Content-Length': end - start + 1,
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${media.length}` } : {}),
    });
    res.end(media.subarray(start, end + 1));
  });
}

interface ProxiedPost {
  /** How the key came: X-Cuepoint-Key (fetch) or ?key= (beacon). */
  key: 'header' | 'query' | 'none';
  contentType: string;
  body: unknown[];
  upstream: unknown;
  answered: number;
}

/**
 * Forwards everything to the Cuepoint server unchanged, except that the first POST, once the
 * server has stored it, is answered 503: the client learns nothing of its success and retries.
 */
function flakyProxy(target: string): { server: Server; posts: ProxiedPost[] } {
  const posts: ProxiedPost[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const headers: IncomingHttpHeaders = { ...req.headers, host: new URL(target).host };
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers }, (up) => {
      void readBody(up).then((answer) => {
        let status = up.statusCode ?? 502;
        if (req.method === 'POST') {
          const failed = posts.length === 0;
          posts.push({
            key: req.headers['x-cuepoint-key']
              ? 'header'
              : new URL(req.url ?? '', target).searchParams.has('key')
                ? 'query'
                : 'none',
            contentType: req.headers['content-type'] ?? '',
            body: JSON.parse(body.toString()) as unknown[],
            upstream: JSON.parse(answer.toString()) as unknown,
            answered: failed ? 503 : status,
          });
          if (failed) status = 503;
        }
        res.writeHead(status, up.headers);
        res.end(answer);
      });
    });
    upstream.end(body);
  });
  return { server, posts };
}

async function until<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** GET with exact request headers (fetch would add and undo Accept-Encoding itself). */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      httpRequest(url, { headers }, (res) => {
        void readBody(res).then((body) =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body }),
        );
      })
        .on('error', reject)
        .end();
    },
  );
}

describe('serving the tracker', () => {
  it('drops comments and indentation, never a " // " inside a string', () => {
    const source = [
      '/*',
      ' * header',
      ' */',
      '(function () {',
      '  // a line comment',
      "  const url = 'https://a.example // not a comment'; // a trailing one",
      '  /** doc */',
      '  go(url);',
      '',
      '})();',
    ].join('\n');
    assert.equal(
      compactScript(source),
      "(function () {\nconst url = 'https://a.example // not a comment';\ngo(url);\n})();\n",
    );
  });

  it('reads Accept-Encoding', () => {
    assert.equal(accepts('gzip, deflate, br', 'gzip'), true);
    assert.equal(accepts('br;q=1.0, GZIP;q=0.5', 'gzip'), true);
    assert.equal(accepts('gzip;q=0, br', 'gzip'), false);
    assert.equal(accepts('x-gzip', 'gzip'), false);
    assert.equal(accepts(undefined, 'gzip'), false);
  });
});

describe('GET /tracker.js', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.stop());

  it('serves a small script without a credential, cacheable, gzip when accepted', async () => {
    const plain = await get(`${server.url}/tracker.js`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(plain.headers['cache-control'], 'public, max-age=3600');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(String(plain.headers.etag), /^"[\w-]+"$/);
    assert.ok(plain.body.length < 10 * 1024, `${plain.body.length} bytes uncompressed`);
    const source = plain.body.toString();
    assert.doesNotThrow(() => new Script(source, { filename: 'tracker.js' }));
    assert.match(source, /window\.Cuepoint = \{/);
    assert.doesNotMatch(source, /^\s*(\/\/|\/\*)/m, 'served without comments');

    const zipped = await get(`${server.url}/tracker.js`, { 'accept-encoding': 'gzip, br' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'Accept-Encoding');
    assert.ok(zipped.body.length < 4 * 1024, `${zipped.body.length} bytes over the wire`);
    assert.deepEqual(gunzipSync(zipped.body), plain.body);
    assert.notEqual(zipped.headers.etag, plain.headers.etag);

    const again = await get(`${server.url}/tracker.js`, {
      'if-none-match': String(plain.headers.etag),
    });
    assert.deepEqual([again.status, again.body.length], [304, 0]);
  });

  it('is described in /openapi.json as needing no credential', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { security?: unknown[] } }>;
    };
    assert.deepEqual(doc.paths['/tracker.js']?.get?.security, []);
  });
});

describe('the tracker in a browser', { skip: noBrowser }, () => {
  let server: TestServer;
  let browser: Browser;
  let site: Server;
  let proxy: ReturnType<typeof flakyProxy>;
  let pageUrl: string;
  let proxyUrl: string;
  const keys = { playback: '', retry: '' };

  before(async () => {
    server = await startTestServer();
    site = pageServer(`${server.url}/tracker.js`);
    pageUrl = await listen(site);
    proxy = flakyProxy(server.url);
    proxyUrl = await listen(proxy.server);
    for (const account of ['playback', 'retry'] as const) {
      await server.admin.createAccount({ id: account });
      const key = await server.admin.createKey({ account, type: 'write', origins: [pageUrl] });
      keys[account] = key.key;
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    site?.close();
    proxy?.server.close();
    await server?.stop();
  });

  it('answers the CORS preflight from the page origin', async () => {
    const res = await fetch(`${server.url}/v1/events`, {
      method: 'OPTIONS',
      headers: {
        Origin: pageUrl,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-cuepoint-key',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), pageUrl);
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /X-Cuepoint-Key/i);
  });

  let played: { a: string; b: string; c: string; anonymous: { id: string; expires: number } };
  const sent: { url: string; type: string; contentType: string; key: string | null }[] = [];

  it('plays three videos to their ends and sends every player action, final on page hide', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    context.on('request', (request: Request) => {
      if (request.method() !== 'POST' || !request.url().includes('/v1/events')) return;
      sent.push({
        url: request.url(),
        type: request.resourceType(),
        contentType: request.headers()['content-type'] ?? '',
        key: request.headers()['x-cuepoint-key'] ?? null,
      });
    });
    await page.goto(pageUrl);

    played = await page.evaluate(
      async ({ endpoint, key }) => {
        const [a, b, c] = ['a', 'b', 'c'].map((id) => document.getElementById(id)) as [
          HTMLVideoElement,
          HTMLVideoElement,
          HTMLVideoElement,
        ];
        const once = (v: EventTarget, type: string) =>
          new Promise((resolve) => v.addEventListener(type, resolve, { once: true }));
        const cuepoint = window.Cuepoint;

        cuepoint.init({ endpoint, key });
        const sa = cuepoint.attach(a, { projectId: 'p-a', experienceId: 'e-1' });
        const sb = cuepoint.attach(b, { projectId: 'p-b' });
        const sc = cuepoint.attach(c, { projectId: 'p-c' });
        await Promise.all([a, b, c].map((v) => v.readyState >= 1 || once(v, 'loadedmetadata')));
        const ended = [a, b, c].map((v) => once(v, 'ended'));

        c.currentTime = 4; // C skips the first 4 s: end_under
        await once(c, 'seeked');
        a.volume = 0.5;
        await Promise.all([a.play(), b.play(), c.play()]);
        await Promise.all([a.requestFullscreen(), once(document, 'fullscreenchange')]);
        await Promise.all([document.exitFullscreen(), once(document, 'fullscreenchange')]);
        sa.track('Annotation View', { 'Annotation ID': 'quiz-1', 'Annotation Type': 'quiz' });
        cuepoint.forward({
          event: 'Annotation Action',
          properties: {
            'Project ID': 'bc-project',
            'Session ID': 'bc-session',
            'Annotation ID': 'link-1',
            'Annotation Type': 'hotlink',
            Action: 'External Click',
          },
        });
        // B plays to 2 s, pauses, goes back to 0.5 s and plays on: replays 1.5 s, end_over.
        await new Promise<void>((resolve) => {
          const check = () => {
            if (b.currentTime < 2) return;
            b.removeEventListener('timeupdate', check);
            resolve();
          };
          b.addEventListener('timeupdate', check);
        });
        b.pause();
        b.currentTime = 0.5;
        await once(b, 'seeked');
        await b.play();
        await Promise.all(ended); // A played straight through: end_complete
        return {
          a: sa.sessionId,
          b: sb.sessionId,
          c: sc.sessionId,
          anonymous: JSON.parse(localStorage.getItem('cuepoint_anonymous_id') ?? 'null') as {
            id: string;
            expires: number;
          },
        };
      },
      { endpoint: server.url, key: keys.playback },
    );

    await page.goto('about:blank'); // page hide: final events, sent by beacon
    const expected = 8 + 1 + 8 + 5 + 1; // A's player actions, its annotation, B's, C's, forward
    await until('all events stored', async () => (await count('playback')) >= expected);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await count('playback'), expected);
    await context.close();

    // What the page sent while it lived (the beacons of its end are checked through the proxy).
    assert.ok(sent.length > 0);
    for (const s of sent) {
      assert.deepEqual(
        [s.url, s.type, s.contentType, s.key],
        [`${server.url}/v1/events`, 'fetch', 'application/json', keys.playback],
      );
    }
  });

  let proxied: { session: string };

  it('retries a failed batch with the same event_ids: the server counts it once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pageUrl);
    proxied = await page.evaluate(
      async ({ endpoint, key }) => {
        const video = document.getElementById('a') as HTMLVideoElement;
        const cuepoint = window.Cuepoint;
        if (video.readyState < 1) {
          await new Promise((resolve) => video.addEventListener('loadedmetadata', resolve));
        }
        cuepoint.init({ endpoint, key, userId: 'u-42', username: 'Ann' });
        const session = cuepoint.attach(video, { projectId: 'p-r', experienceId: 'e-r' });
        cuepoint.track('Annotation View', { 'Annotation ID': 'a-1', 'Annotation Type': 'pop' });
        cuepoint.forward({
          event: 'Annotation Action',
          properties: { 'Project ID': 'p-r', 'Play Session': 'viewer-s', Action: 'Click' },
        });
        return { session: session.sessionId };
      },
      { endpoint: proxyUrl, key: keys.retry },
    );
    await until('the retry', () => proxy.posts.length >= 2);
    await context.close(); // page hide: the final event, by beacon
    await until('the final beacon', () => proxy.posts.length >= 3);

    const [first, second, last] = proxy.posts as [ProxiedPost, ProxiedPost, ProxiedPost];
    assert.deepEqual(
      proxy.posts.map((p) => [p.key, p.contentType]),
      [
        ['header', 'application/json'],
        ['header', 'application/json'],
        ['query', 'text/plain;charset=UTF-8'],
      ],
    );
    assert.equal(first.answered, 503);
    assert.deepEqual(first.upstream, { accepted: 3, duplicates: 0, rejected: [] });
    assert.deepEqual(second.upstream, { accepted: 0, duplicates: 3, rejected: [] });
    assert.equal(second.answered, 200);
    assert.deepEqual(second.body, first.body, 'the very same events, IDs and timestamps');
    // The beacon carries the final event, and the retried batch again if its answer had not yet
    // reached the page when it was hidden: the server drops those repeats too.
    const { accepted, duplicates } = last.upstream as { accepted: number; duplicates: number };
    assert.equal(accepted, 1);
    assert.ok(duplicates === 0 || duplicates === 3, `${duplicates} duplicates`);
    assert.equal(proxy.posts.length, 3);
    assert.equal(await count('retry'), 4);
  });

  it('stored what the pages did', async () => {
    await server.close(); // DuckDB: one process at a time; stop() later removes the directory
    const rows = await readEvents(server.dataDir);
    assert.equal(new Set(rows.map((r) => r.event_id)).size, rows.length, 'no event twice');
    assert.ok(rows.every((r) => typeof r.event_id === 'string' && r.event_id.length === 32));

    const playback = rows.filter((r) => r.account_id === 'playback');
    const { id: anonymousId, expires } = played.anonymous;
    assert.match(anonymousId, /^[0-9a-f]{32}$/);
    const year = 365 * 864e5;
    assert.ok(Math.abs(expires - Date.now() - year) < 60_000, 'kept a year');
    for (const row of playback) {
      assert.deepEqual([row.anonymous_id, row.user_id], [anonymousId, null]);
    }
    const actions = (session: string) =>
      playback.filter((r) => r.session_id === session && r.kind === 'player_action');
    const names = (session: string) => actions(session).map((r) => r.action);

    assert.deepEqual(names(played.a).sort(), [
      'end_complete',
      'final',
      'fullscreen',
      'fullscreen',
      'load',
      'play',
      'progress',
      'volume',
    ]);
    assert.deepEqual(names(played.b), [
      'load',
      'play',
      'pause',
      'seek',
      'play',
      'progress',
      'end_over',
      'final',
    ]);
    assert.deepEqual(names(played.c), ['load', 'seek', 'play', 'end_under', 'final']);
    for (const session of [played.a, played.b, played.c]) {
      const list = actions(session);
      assert.equal(list[0]?.action, 'load');
      assert.equal(list.at(-1)?.action, 'final');
      assert.ok(list.every((r) => r.video_duration === MEDIA_SECONDS));
      const end = list.find((r) => String(r.action).startsWith('end_'))!;
      assert.equal(end.video_offset, MEDIA_SECONDS);
      assert.equal(list.at(-1)?.play_time_accrued, end.play_time_accrued);
    }
    const accrued = (session: string) =>
      Number(actions(session).find((r) => String(r.action).startsWith('end_'))?.play_time_accrued);
    assert.ok(Math.abs(accrued(played.a) - 6) < 0.3, `A played ${accrued(played.a)} s`);
    assert.ok(
      accrued(played.b) > 7.2 && accrued(played.b) < 8.5,
      `B played ${accrued(played.b)} s`,
    );
    assert.ok(Math.abs(accrued(played.c) - 2) < 0.3, `C played ${accrued(played.c)} s`);
    assert.ok(actions(played.a).every((r) => r.project_id === 'p-a' && r.experience_id === 'e-1'));
    assert.ok(actions(played.b).every((r) => r.project_id === 'p-b' && r.experience_id === null));
    const fullscreens = actions(played.a).filter((r) => r.action === 'fullscreen');
    assert.deepEqual(
      fullscreens.map((r) => JSON.parse(String(r.extra)).fullscreen),
      [true, false],
    );
    const volume = actions(played.a).find((r) => r.action === 'volume');
    assert.deepEqual(JSON.parse(String(volume?.extra)), { volume: 0.5, muted: false });
    const progress = actions(played.b).find((r) => r.action === 'progress');
    assert.ok(Number(progress?.play_time_accrued) >= 5);

    const annotation = playback.find((r) => r.kind === 'annotation_view');
    assert.deepEqual(
      [annotation?.session_id, annotation?.project_id, annotation?.annotation_id],
      [played.a, 'p-a', 'quiz-1'],
    );
    const forwarded = playback.find((r) => r.kind === 'annotation_action');
    assert.deepEqual(
      [forwarded?.session_id, forwarded?.project_id, forwarded?.action, forwarded?.anonymous_id],
      ['bc-session', 'bc-project', 'external_click', anonymousId],
    );

    const retry = rows.filter((r) => r.account_id === 'retry');
    assert.deepEqual(
      retry.map((r) => [r.kind, r.action, r.session_id, r.user_id, r.username, r.anonymous_id]),
      [
        ['player_action', 'load', proxied.session, 'u-42', 'Ann', null],
        ['annotation_view', null, proxied.session, 'u-42', 'Ann', null],
        ['annotation_action', 'click', 'viewer-s', 'u-42', 'Ann', null],
        ['player_action', 'final', proxied.session, 'u-42', 'Ann', null],
      ],
    );
    assert.ok(retry.every((r) => r.project_id === 'p-r'));
  });

  function count(account: string): Promise<number> {
    return server.store.events.count(account);
  }
});

declare global {
  interface Window {
    Cuepoint: CuepointApi;
  }
}

/** What a page sees of window.Cuepoint (public/tracker.js). */
interface CuepointApi {
  init(options: { endpoint: string; key: string; userId?: string; username?: string }): void;
  attach(
    video: HTMLVideoElement,
    options: { projectId: string; experienceId?: string },
  ): { sessionId: string; track(event: string, properties: object): string };
  track(event: string, properties: object): string;
  forward(payload: { event: string; properties: object }): string;
}
