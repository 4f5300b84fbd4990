/** `cuepoint import` as a user runs it: the real bin (build first) on NDJSON files. */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { ImportSummary } from '../src/cli/import.js';
import { cli, serveProcess } from './helpers/process.js';
import { readEvents } from './helpers/events.js';
import { tempDir } from './helpers/server.js';

const dir = tempDir('cuepoint-import-');
after(() => rmSync(dir, { recursive: true, force: true }));

const event = (id: string, timestamp: string, properties: Record<string, unknown> = {}) =>
  JSON.stringify({
    event: 'Player Action',
    event_id: id,
    timestamp,
    properties: { 'Project ID': 'p1', 'Session ID': 's1', Action: 'Play', ...properties },
  });

/** Line 2 is not JSON, line 4 is blank, line 5 lacks its session: two rejections. */
const lines = [
  event('e1', '2023-01-15T10:00:00Z'), // older than the collector's lateness: imports take any age
  '{"event": "Player Action", "properties": ',
  event('e2', '2024-03-01T12:00:00.000Z', { Action: 'Pause' }),
  '',
  JSON.stringify({ event: 'Player Action', event_id: 'e3', properties: { 'Project ID': 'p1' } }),
  event('e4', '2024-03-01T12:00:05.000Z', { Action: 'Seek' }),
];
const file = join(dir, 'events.ndjson');
writeFileSync(file, lines.join('\n') + '\n');

async function importJson(args: string[]): Promise<ImportSummary> {
  const run = await cli(['import', ...args, '--account', 'acme', '--data-dir', dir, '--json']);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as ImportSummary;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

const expectedRejections = (name: string) => [
  { file: name, line: 2, reason: 'line is not valid JSON' },
  { file: name, line: 5, reason: 'session_id: required (alias play_session)' },
];

describe('cuepoint import', () => {
  before(async () => {
    const run = await cli(['accounts', 'create', '--id', 'acme', '--data-dir', dir, '--json']);
    assert.equal(run.code, 0, run.stderr);
  });

  it('imports the valid lines of any age and lists the refused ones by file and line', async () => {
    assert.deepEqual(await importJson([file]), {
      accepted: 3,
      duplicates: 0,
      rejected: expectedRejections(file),
    });
  });

  it('counts a second import of the same events as duplicates', async () => {
    assert.deepEqual(await importJson([file]), {
      accepted: 0,
      duplicates: 3,
      rejected: expectedRejections(file),
    });
  });

  it('sums over several files, gzip included', async () => {
    const gz = join(dir, 'more.ndjson.gz');
    writeFileSync(gz, gzipSync(event('e5', '2024-03-02T08:00:00Z') + '\n'));
    assert.deepEqual(await importJson([file, gz]), {
      accepted: 1,
      duplicates: 3,
      rejected: expectedRejections(file),
    });
  });

  it('prints a summary without --json', async () => {
    const run = await cli(['import', file, '--account', 'acme', '--data-dir', dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      '0 events imported, 3 duplicates skipped, 2 lines rejected\n' +
        `  ${file}:2: line is not valid JSON\n` +
        `  ${file}:5: session_id: required (alias play_session)\n`,
    );
  });

  it('refuses an unknown account or an unreadable file with exit code 2, before importing', async () => {
    const unknown = await cli(['import', file, '--account', 'nobody', '--data-dir', dir, '--json']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stdout, '');
    assert.deepEqual(JSON.parse(unknown.stderr), {
      error: { code: 'RESOURCE_NOT_FOUND', message: 'account nobody does not exist' },
    });
    const missing = join(dir, 'missing.ndjson');
    const run = await cli(['import', file, missing, '--account', 'acme', '--data-dir', dir]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `cuepoint: cannot read ${missing}\n`);
  });

  it('goes through a running server, and stores what the collector would', async () => {
    const live = join(dir, 'live.ndjson');
    writeFileSync(live, event('e6', '2024-03-03T09:00:00Z', { 'Partner User ID': 42 }) + '\n');
    // The server holds the DuckDB file: the import can only succeed through its admin socket.
    const server = await serveProcess(['--data-dir', dir]);
    try {
      assert.deepEqual(await importJson([live]), { accepted: 1, duplicates: 0, rejected: [] });
    } finally {
      await stop(server.child);
    }
    const stored = await readEvents(dir, "account_id = 'acme'");
    assert.deepEqual(
      stored.map((e) => [e.event_id, e.action, e.user_id, (e.ts as Date).toISOString()]),
      [
        ['e1', 'play', null, '2023-01-15T10:00:00.000Z'],
        ['e2', 'pause', null, '2024-03-01T12:00:00.000Z'],
        ['e4', 'seek', null, '2024-03-01T12:00:05.000Z'],
        ['e5', 'play', null, '2024-03-02T08:00:00.000Z'],
        ['e6', 'play', '42', '2024-03-03T09:00:00.000Z'],
      ],
    );
  });
});
