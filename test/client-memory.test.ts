/**
 * A 500,000-row CSV goes from the response to a file with flat memory: the fake reporting host
 * streams a ~140 MiB body (with back-pressure), and the process's RSS is sampled while the SDK
 * writes it. Were the body held, RSS would grow by at least its size.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient, type ClientOptions } from '../src/client/index.js';
import { tempDir } from './helpers/server.js';

/** Temporary directories of this file, removed when it ends. */
const scratchDirs: string[] = [];
function scratch(prefix: string): string {
  const dir = tempDir(prefix);
  scratchDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

const ROWS = 500_000;
const HEADER =
  'project_id,project_title,timestamp,session_id,user_id,action,video_offset_seconds,video_percent_complete,annotation_id,details\n';

function row(i: number): string {
  const ts = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
  return `p${i % 97},"A project title, with a comma",${ts},session-${i},user-${i % 5000},play,${i % 600}.125,${i % 100}.5,annotation-${i % 300},"details ${'x'.repeat(160)}"\n`;
}

/**
 * The fake host runs in a child process, so that only the client's memory is measured here: it
 * generates the rows 1,000 at a time and waits for the socket to drain.
 */
const HOST = `
import { startFakeBrightcove } from ${JSON.stringify(new URL('./helpers/fake-brightcove.js', import.meta.url).href)};
const row = ${row.toString()};
const fake = await startFakeBrightcove(async (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'x-report-rows': '${ROWS}' });
  res.write(${JSON.stringify(HEADER)});
  for (let i = 0; i < ${ROWS}; i += 1000) {
    let chunk = '';
    for (let j = i; j < i + 1000; j++) chunk += row(j);
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
});
process.stdout.write(JSON.stringify(fake.options) + '\\n');
`;

describe('streaming a large report', () => {
  let host: ChildProcess;
  let options: ClientOptions;
  let bodyBytes = HEADER.length;
  before(async () => {
    host = spawn(process.execPath, ['--input-type=module', '-e', HOST], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    options = await new Promise((resolve, reject) => {
      host.stdout?.once('data', (line: Buffer) =>
        resolve(JSON.parse(line.toString()) as ClientOptions),
      );
      host.once('exit', (code) => reject(new Error(`fake host exited with ${code}`)));
    });
    for (let i = 0; i < ROWS; i++) bodyBytes += Buffer.byteLength(row(i));
  });
  after(() => {
    host.kill();
  });

  it(`writes ${ROWS.toLocaleString('en-US')} rows to a file with flat memory`, async () => {
    const file = join(scratch('cuepoint-big-'), 'big.csv');
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const result = await createClient(options).download('project_stream_raw', {
      format: 'csv',
      to: file,
    });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    assert.equal(result.bytes, bodyBytes);
    assert.equal(result.rows, ROWS);
    assert.equal(statSync(file).size, bodyBytes);
    let lines = 0;
    for await (const chunk of createReadStream(file)) {
      for (const byte of chunk as Buffer) if (byte === 0x0a) lines++;
    }
    assert.equal(lines, ROWS + 1);
    const growth = peak - baseline;
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    assert.ok(bodyBytes > 130 * 2 ** 20, `the body is ${mib(bodyBytes)}`);
    // Holding the body would take at least its size (twice as a string). Streaming leaves chunks
    // for the collector, which V8 frees in bursts: tens of MiB, whatever the body's size.
    assert.ok(growth < 64 * 2 ** 20, `RSS grew by ${mib(growth)} while writing ${mib(bodyBytes)}`);
  });
});
