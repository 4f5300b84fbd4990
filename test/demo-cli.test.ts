/**
 * `cuepoint demo` and `serve --demo` as a user runs them: child processes of the real bin (build
 * first), then a real server that must accept the printed secrets and refuse the revoked ones.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { DemoJson } from '../src/admin/admin.js';
import { DEMO_CATALOG } from '../src/domain/demo/catalog.js';
import { postEvents, send } from './helpers/http.js';
import { cli, serveProcess, type ServeProcess } from './helpers/process.js';
import { tempDir } from './helpers/server.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = tempDir('cuepoint-demo-');
  dirs.push(dir);
  return dir;
}

async function demo(dir: string): Promise<{ result: DemoJson; stderr: string }> {
  const run = await cli(['demo', '--data-dir', dir, '--days', '2', '--json']);
  assert.equal(run.code, 0, run.stderr);
  return { result: JSON.parse(run.stdout) as DemoJson, stderr: run.stderr };
}

function tokenRequest(base: string, clientId: string, secret: string) {
  return send(`${base}/v4/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function waitFor(server: ServeProcess, text: string): Promise<string> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    if (server.stderr().includes(text)) return server.stderr();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no "${text}" on stderr: ${server.stderr()}`);
}

const anEvent = {
  event: 'Player Action',
  properties: { 'Project ID': DEMO_CATALOG.projects[0]?.id, 'Session ID': 's-1', Action: 'Load' },
};

describe('cuepoint demo', () => {
  it('seeds once; each run revokes the last credential and prints a working one', async () => {
    const dir = dataDir();
    const first = await demo(dir);
    assert.equal(first.result.seeded, true);
    assert.equal(first.result.account_id, 'demo');
    assert.equal(first.result.events, 4000);
    assert.equal(first.result.projects, 12);
    assert.deepEqual(first.result.revoked_client_ids, []);
    assert.match(first.stderr, new RegExp(`client_secret +${first.result.client_secret}`));
    assert.ok(
      first.stderr.includes(
        `curl -H "Authorization: Bearer ${first.result.access_token}" "http://127.0.0.1:8080/api/reports/v2/project_engagement_summary_raw?account_id=demo&format=csv"`,
      ),
    );
    assert.ok(
      first.stderr.includes(
        `curl --user ${first.result.client_id}:${first.result.client_secret} --data grant_type=client_credentials http://127.0.0.1:8080/v4/access_token`,
      ),
    );

    const second = await demo(dir);
    assert.equal(second.result.seeded, false);
    assert.equal(second.result.events, first.result.events);
    assert.notEqual(second.result.client_id, first.result.client_id);
    assert.deepEqual(second.result.revoked_client_ids, [first.result.client_id]);
    assert.deepEqual(second.result.revoked_key_ids, [first.result.write_key_id]);

    const server = await serveProcess(['--data-dir', dir]);
    try {
      const fresh = await tokenRequest(
        server.url,
        second.result.client_id,
        second.result.client_secret,
      );
      assert.equal(fresh.status, 200, fresh.text);
      const revoked = await tokenRequest(
        server.url,
        first.result.client_id,
        first.result.client_secret,
      );
      assert.equal(revoked.status, 401);
      assert.deepEqual((revoked.body as { error: string }).error, 'invalid_client');

      const token = (fresh.body as { access_token: string }).access_token;
      for (const bearer of [token, second.result.access_token]) {
        const counts = await send(`${server.url}/v1/accounts/demo/projects/counts`, {
          headers: { authorization: `Bearer ${bearer}` },
        });
        assert.equal(counts.status, 200, counts.text);
        assert.deepEqual(counts.body, { data: 12 });
      }
      const sent = await postEvents(server.url, second.result.write_key, anEvent);
      assert.equal(sent.status, 200, sent.text);
      const refused = await postEvents(server.url, first.result.write_key, anEvent);
      assert.equal(refused.status, 401);
    } finally {
      await stop(server.child);
    }
  });

  it('refuses bad arguments with exit code 2, as JSON with --json', async () => {
    const run = await cli(['demo', '--data-dir', dataDir(), '--days', '0', '--json']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    const error = JSON.parse(run.stderr) as { error: { code: string; message: string } };
    assert.equal(error.error.code, 'BAD_REQUEST');
    assert.match(error.error.message, /--days/);
  });
});

describe('serve --demo', () => {
  it("prints a credential with the server's URL; cuepoint demo then goes through the server", async () => {
    const dir = dataDir();
    // Seeded small beforehand: serve --demo alone would seed the default 90 days.
    const seeded = await demo(dir);
    const server = await serveProcess(['--data-dir', dir, '--demo']);
    try {
      const printed = await waitFor(server, 'An event, with the write key');
      assert.ok(printed.includes(`${server.url}/api/reports/v2/project_engagement_summary_raw?`));
      assert.ok(printed.includes(`Revoked the previous demo secrets: ${seeded.result.client_id}`));
      const clientId = /client_id +(\S+)/.exec(printed)?.[1];
      const secret = /client_secret +(\S+)/.exec(printed)?.[1];
      assert.ok(clientId && secret);
      assert.equal((await tokenRequest(server.url, clientId, secret)).status, 200);

      // The server holds the data directory: the command runs through its admin socket.
      const { result } = await demo(dir);
      assert.equal(result.seeded, false);
      assert.equal(result.events, seeded.result.events);
      assert.deepEqual(result.revoked_client_ids, [clientId]);
      assert.equal((await tokenRequest(server.url, clientId, secret)).status, 401);
      const fresh = await tokenRequest(server.url, result.client_id, result.client_secret);
      assert.equal(fresh.status, 200);
    } finally {
      await stop(server.child);
    }
  });
});
