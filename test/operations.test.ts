/**
 * Running Cuepoint as a user does (`cuepoint serve` as a process): JSON logs without secrets, and a
 * graceful SIGTERM that answers waiting long-polls with 202 at once, finishes in-flight requests
 * and exits 0.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { playerEvent, postEvents } from './helpers/http.js';
import { cli, serveProcess } from './helpers/process.js';
import { tempDir } from './helpers/server.js';

async function json(args: string[]): Promise<Record<string, string>> {
  const result = await cli([...args, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

describe('operations', () => {
  it('logs JSON lines without secrets, and shuts down gracefully on SIGTERM', async () => {
    const dataDir = tempDir();
    try {
      await json(['accounts', 'create', '--id', 'ops', '--data-dir', dataDir]);
      const { key } = await json([
        'keys',
        'create',
        '--account',
        'ops',
        '--type',
        'write',
        '--data-dir',
        dataDir,
      ]);
      const credential = await json([
        'credentials',
        'create',
        '--account',
        'ops',
        '--data-dir',
        dataDir,
      ]);
      // A report worker that never runs keeps the long-poll below waiting.
      const server = await serveProcess(['--data-dir', dataDir], { CUEPOINT_REPORT_WORKERS: '0' });
      let stdout = '';
      server.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));

      assert.equal(
        (
          await postEvents(server.url, undefined, playerEvent(), {
            contentType: 'text/plain',
            query: `?key=${key}`,
          })
        ).status,
        200,
      );
      assert.equal((await postEvents(server.url, key!, playerEvent())).status, 200);
      const tokenRes = await fetch(`${server.url}/v4/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${credential.client_id}&client_secret=${credential.client_secret}`,
      });
      const { access_token: token } = (await tokenRes.json()) as { access_token: string };

      const waiting = fetch(`${server.url}/api/reports/v2/project_stream_raw`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const t0 = Date.now();
      server.child.kill('SIGTERM');
      const answer = await waiting;
      assert.equal(answer.status, 202, 'a waiting long-poll is answered 202 at once');
      assert.equal(((await answer.json()) as { status: string }).status, 'queued');
      const code = await new Promise((resolve) => server.child.once('exit', resolve));
      assert.equal(code, 0);
      assert.ok(Date.now() - t0 < 5000, 'shut down promptly');

      const lines = stdout.trim().split('\n');
      assert.ok(lines.length > 3);
      for (const line of lines) JSON.parse(line); // every line is JSON
      for (const secret of [key!, credential.client_secret!, token]) {
        assert.equal(stdout.includes(secret), false, 'a secret reached the log');
      }
      assert.match(stdout, /key=\[redacted\]/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
