/**
 * Projects over real HTTP (catalog.md, details.md §4): create, read, shallow PATCH, soft delete,
 * every status, and the credential rules (auth.md §3): reads need …/read or …/all, writes …/all,
 * and another account's project is a 404 exactly like an unknown one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setupAccount } from './helpers/accounts.js';
import { catalogClient, ISO_UTC, tokenWith, type CatalogClient } from './helpers/catalog.js';
import { send } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const notFound = (id: string) => ({ result: { message: `project "${id}" not found` } });

describe('catalog projects', () => {
  let server: TestServer;
  let token: string;
  let api: CatalogClient;
  let other: CatalogClient;

  before(async () => {
    server = await startTestServer();
    token = (await setupAccount(server, 'acc1')).token;
    api = catalogClient(server, 'acc1', token);
    other = catalogClient(server, 'acc2', (await setupAccount(server, 'acc2')).token);
  });
  after(() => server.stop());

  it('creates a project with its own ID: 201, the whole object, and a Location', async () => {
    const res = await api.post('projects', {
      id: 'p-given',
      title: 'Espresso basics',
      video_id: 'v1',
      video_source_id: 'src1',
      video_duration: 120.5,
      tags: ['training', 'espresso', 'training'],
    });
    assert.equal(res.status, 201);
    const result = (res.body as { result: { created_at: string; updated_at: string } }).result;
    assert.match(result.created_at, ISO_UTC);
    assert.equal(result.updated_at, result.created_at);
    assert.deepEqual(res.body, {
      result: {
        id: 'p-given',
        account_id: 'acc1',
        title: 'Espresso basics',
        video_id: 'v1',
        video_source_id: 'src1',
        video_duration: 120.5,
        tags: ['training', 'espresso'],
        created_at: result.created_at,
        updated_at: result.created_at,
      },
    });
    assert.equal(res.headers.get('location'), '/v1/accounts/acc1/projects/p-given');
    const read = await api.get('projects/p-given');
    assert.deepEqual([read.status, read.body], [200, res.body]);
  });

  it('makes a 24-hex ID when none is given, and fills the optional fields with null and []', async () => {
    const res = await api.post('projects', { title: 'No ID' });
    assert.equal(res.status, 201);
    const result = (res.body as { result: { id: string; created_at: string } }).result;
    assert.match(result.id, /^[0-9a-f]{24}$/);
    assert.deepEqual(res.body, {
      result: {
        id: result.id,
        account_id: 'acc1',
        title: 'No ID',
        video_id: null,
        video_source_id: null,
        video_duration: null,
        tags: [],
        created_at: result.created_at,
        updated_at: result.created_at,
      },
    });
  });

  it('answers 409 for an existing ID', async () => {
    await api.post('projects', { id: 'p-dup', title: 'First' });
    const res = await api.post('projects', { id: 'p-dup', title: 'Second' });
    assert.deepEqual(
      [res.status, res.body],
      [409, { result: { message: 'project "p-dup" exists already' } }],
    );
  });

  it('answers 400 naming the field for bodies that do not validate', async () => {
    const cases: [unknown, string][] = [
      [{}, 'title: required (a string)'],
      [{ title: '' }, 'title: must not be empty'],
      [{ title: 7 }, 'title: expected a string, got the number 7'],
      [{ title: 'x', tittle: 'y' }, 'tittle: unknown field'],
      [{ id: 'a,b', title: 'x' }, 'id: must not contain "," or "|"'],
      [{ id: 'a|b', title: 'x' }, 'id: must not contain "," or "|"'],
      [{ id: 'counts', title: 'x' }, 'id: "counts" is reserved (GET …/counts answers the count)'],
      [{ title: 'x', tags: 'one' }, 'tags: expected a list, got the string "one"'],
      [{ title: 'x', tags: ['ok', 'a|b'] }, 'tags[1]: must not contain "," or "|"'],
      [
        { title: 'x', video_duration: 0 },
        'video_duration: must be a number of seconds greater than 0, or null',
      ],
      [{ title: 'x', video_id: 5 }, 'video_id: expected a string, got the number 5'],
      [[], 'body: expected an object, got a list'],
    ];
    for (const [body, message] of cases) {
      const res = await api.post('projects', body);
      assert.deepEqual([res.status, res.body], [400, { result: message }], JSON.stringify(body));
    }
    const broken = await api.post('projects', '{"title":');
    assert.deepEqual([broken.status, broken.body], [400, { result: 'the body is not valid JSON' }]);
  });

  it('merges a PATCH shallowly: given fields replace, others stay, updated_at moves', async () => {
    const created = await api.post('projects', {
      id: 'p-patch',
      title: 'Before',
      video_id: 'v9',
      tags: ['a', 'b'],
    });
    const before = (created.body as { result: Record<string, unknown> }).result;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await api.patch('projects/p-patch', { title: 'After', tags: ['c'] });
    assert.equal(res.status, 200);
    const after = (res.body as { result: { updated_at: string } }).result;
    assert.ok(after.updated_at > String(before.created_at));
    assert.deepEqual(res.body, {
      result: { ...before, title: 'After', tags: ['c'], updated_at: after.updated_at },
    });
    const cleared = await api.patch('projects/p-patch', { video_id: null });
    assert.equal((cleared.body as { result: { video_id: null } }).result.video_id, null);
    assert.equal((cleared.body as { result: { title: string } }).result.title, 'After');
  });

  it('accepts back what it sent (server-owned fields ignored) but refuses a changed id', async () => {
    const read = await api.get('projects/p-patch');
    const object = (read.body as { result: Record<string, unknown> }).result;
    const same = await api.patch('projects/p-patch', { ...object, title: 'Round trip' });
    assert.equal(same.status, 200);
    const moved = await api.patch('projects/p-patch', { id: 'elsewhere' });
    assert.deepEqual(
      [moved.status, moved.body],
      [400, { result: 'id: cannot be changed (the path names "p-patch")' }],
    );
    const nulled = await api.patch('projects/p-patch', { title: null });
    assert.deepEqual(
      [nulled.status, nulled.body],
      [400, { result: 'title: expected a string, got null' }],
    );
  });

  it('answers 404 for an unknown ID on every route', async () => {
    for (const res of [
      await api.get('projects/nope'),
      await api.patch('projects/nope', { title: 'x' }),
      await api.delete('projects/nope'),
    ]) {
      assert.deepEqual([res.status, res.body], [404, notFound('nope')]);
    }
  });

  it('answers 404 for another account’s project, exactly as for an unknown one', async () => {
    await other.post('projects', { id: 'theirs', title: 'Secret' });
    for (const res of [
      await api.get('projects/theirs'),
      await api.patch('projects/theirs', { title: 'mine now' }),
      await api.delete('projects/theirs'),
      await api.get('projects/theirs/annotations'),
    ]) {
      assert.deepEqual([res.status, res.body], [404, notFound('theirs')]);
    }
    const still = await other.get('projects/theirs');
    assert.equal((still.body as { result: { title: string } }).result.title, 'Secret');
  });

  it('lets two accounts use the same project ID', async () => {
    const mine = await api.post('projects', { id: 'shared-id', title: 'Mine' });
    const theirs = await other.post('projects', { id: 'shared-id', title: 'Theirs' });
    assert.deepEqual([mine.status, theirs.status], [201, 201]);
  });

  it('deletes softly: 204, then 404, gone from lists and counts, but the row stays for reports', async () => {
    await api.post('projects', { id: 'p-del', title: 'Doomed title' });
    await api.post('projects/p-del/annotations', { id: 'a-del', type: 'pop' });
    const before = (await api.get('projects/counts')).body as { data: number };
    const res = await api.delete('projects/p-del');
    assert.deepEqual([res.status, res.text], [204, '']);
    assert.deepEqual((await api.get('projects/p-del')).body, notFound('p-del'));
    assert.deepEqual((await api.delete('projects/p-del')).status, 404);
    assert.deepEqual((await api.get('projects/counts')).body, { data: before.data - 1 });
    const listed = await api.get('projects?pageSize=100');
    const ids = (listed.body as { result: { items: { id: string }[] } }).result.items.map(
      (p) => p.id,
    );
    assert.ok(!ids.includes('p-del'));
    // Its annotations leave the catalog with it.
    assert.deepEqual((await api.get('projects/p-del/annotations/a-del')).status, 404);
    // What the report engine reads: the rows, with their titles, marked deleted.
    const rows = await server.store.query.select(
      `SELECT p.title, p.deleted_at IS NOT NULL AS gone, a.deleted_at IS NOT NULL AS annotation_gone
        FROM projects p JOIN annotations a ON a.account_id = p.account_id AND a.project_id = p.id
        WHERE p.account_id = 'acc1' AND p.id = 'p-del'`,
      5000,
    );
    assert.deepEqual(rows, [{ title: 'Doomed title', gone: true, annotation_gone: true }]);
  });

  it('creates afresh over a deleted project’s ID', async () => {
    await api.post('projects', { id: 'p-again', title: 'Old', tags: ['x'] });
    await api.delete('projects/p-again');
    const res = await api.post('projects', { id: 'p-again', title: 'New' });
    assert.equal(res.status, 201);
    assert.deepEqual(
      [
        (res.body as { result: { title: string; tags: string[] } }).result.tags,
        (await api.get('projects/p-again')).status,
      ],
      [[], 200],
    );
  });

  it('needs a credential: 401 without one, in the gateway’s body', async () => {
    const anonymous = catalogClient(server, 'acc1', undefined);
    const res = await anonymous.get('projects');
    assert.equal(res.status, 401);
    assert.equal((res.body as { error_code: string }[])[0]?.error_code, 'UNAUTHORIZED');
  });

  it('refuses another account’s path with 403, whether or not the account exists', async () => {
    const stranger = (await setupAccount(server, 'acc3')).token;
    for (const account of ['acc2', 'no-such-account']) {
      const res = await catalogClient(server, account, stranger).get('projects');
      assert.deepEqual(
        [res.status, res.body],
        [
          403,
          [
            {
              error_code: 'ACCESS_DENIED',
              message: 'this credential may not do that on this account',
            },
          ],
        ],
      );
    }
  });

  it('lets …/read read but not write, and …/analytics/read do neither', async () => {
    const reader = catalogClient(
      server,
      'acc1',
      await tokenWith(server, ['acc1'], ['video-cloud/interactivity/read']),
    );
    assert.equal((await reader.get('projects/p-given')).status, 200);
    assert.equal((await reader.get('projects')).status, 200);
    assert.equal((await reader.get('projects/counts')).status, 200);
    for (const res of [
      await reader.post('projects', { title: 'x' }),
      await reader.patch('projects/p-given', { title: 'x' }),
      await reader.delete('projects/p-given'),
    ]) {
      assert.equal(res.status, 403);
    }
    const analyst = catalogClient(
      server,
      'acc1',
      await tokenWith(server, ['acc1'], ['video-cloud/analytics/read']),
    );
    assert.equal((await analyst.get('projects/p-given')).status, 403);
  });

  it('answers a HEAD like a GET, and ignores a trailing slash', async () => {
    const head = await send(`${server.url}/v1/accounts/acc1/projects/p-given`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.deepEqual([head.status, head.text], [200, '']);
    assert.equal((await api.get('projects/p-given/')).status, 200);
  });
});
