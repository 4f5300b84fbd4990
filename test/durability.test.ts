/**
 * "A 200 means durable" (events.md §1): the server process is killed with SIGKILL right after
 * acknowledging, while more requests are in flight, and every event it acknowledged is found in
 * the DuckDB file afterwards.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readEvents } from './helpers/events.js';
import { playerEvent, postEvents } from './helpers/http.js';
import { cli, serveProcess } from './helpers/process.js';
import { tempDir } from './helpers/server.js';

describe('durability', () => {
  it('keeps every acknowledged event across kill -9', async () => {
    const dataDir = tempDir();
    try {
      assert.equal(
        (await cli(['accounts', 'create', '--id', 'acc', '--json', '--data-dir', dataDir])).code,
        0,
      );
      const made = await cli([
        'keys',
        'create',
        '--account',
        'acc',
        '--type',
        'write',
        '--json',
        '--data-dir',
        dataDir,
      ]);
      assert.equal(made.code, 0, made.stderr);
      const { key } = JSON.parse(made.stdout) as { key: string };

      const server = await serveProcess(['--data-dir', dataDir]);
      const acknowledged: string[] = [];
      let sent = 0;
      let killed = false;
      // Eight clients send batches of 20 as fast as they can; after 50 acknowledged requests the
      // server is killed the instant that 200 arrives, with the other clients' requests in flight.
      const client = async (c: number) => {
        for (let r = 0; !killed; r++) {
          const ids = Array.from({ length: 20 }, (_, i) => `c${c}-r${r}-e${i}`);
          sent++;
          try {
            const res = await postEvents(
              server.url,
              key,
              ids.map((id) => playerEvent({ event_id: id })),
            );
            if (res.status !== 200) continue;
            assert.deepEqual(res.body, { accepted: 20, duplicates: 0, rejected: [] });
            acknowledged.push(...ids);
            if (acknowledged.length >= 50 * 20 && !killed) {
              killed = true;
              server.child.kill('SIGKILL');
            }
          } catch {
            return; // the connection died with the server
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, c) => client(c)));
      if (server.child.exitCode === null && server.child.signalCode === null) {
        await new Promise((resolve) => server.child.once('exit', resolve));
      }
      assert.ok(sent > 50, 'requests were still being sent when the server died');

      const stored = new Set(
        (await readEvents(dataDir, "account_id = 'acc'")).map((row) => String(row.event_id)),
      );
      const missing = acknowledged.filter((id) => !stored.has(id));
      assert.deepEqual(
        missing,
        [],
        `${missing.length} of ${acknowledged.length} acknowledged events were lost`,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
