/** Experiences over real HTTP (catalog.md): the same routes and rules as projects, no tag filter. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setupAccount } from './helpers/accounts.js';
import { catalogClient, ISO_UTC, type CatalogClient } from './helpers/catalog.js';
import type { Sent } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const result = (res: Sent) => (res.body as { result: Record<string, unknown> }).result;

describe('catalog experiences', () => {
  let server: TestServer;
  let api: CatalogClient;
  let other: CatalogClient;

  before(async () => {
    server = await startTestServer();
    api = catalogClient(server, 'acc1', (await setupAccount(server, 'acc1')).token);
    other = catalogClient(server, 'acc2', (await setupAccount(server, 'acc2')).token);
  });
  after(() => server.stop());

  it('creates, reads, lists and counts', async () => {
    const body = { id: 'e1', title: 'Barista path', type: 'lesson', playlist: ['p1', 'p2', 'p1'] };
    const res = await api.post('experiences', body);
    assert.equal(res.status, 201);
    const created = result(res);
    assert.match(String(created.created_at), ISO_UTC);
    assert.deepEqual(res.body, {
      result: {
        ...body,
        account_id: 'acc1',
        tags: [],
        created_at: created.created_at,
        updated_at: created.created_at,
      },
    });
    assert.equal(res.headers.get('location'), '/v1/accounts/acc1/experiences/e1');
    assert.deepEqual((await api.get('experiences/e1')).body, res.body);
    const made = await api.post('experiences', { title: 'Second', type: 'slidesync' });
    assert.match(String(result(made).id), /^[0-9a-f]{24}$/);
    const listed = await api.get('experiences?sort_by=title&order_by=asc');
    assert.deepEqual(
      (result(listed).items as { id: string }[]).map((e) => e.id),
      ['e1', result(made).id],
    );
    assert.deepEqual((await api.get('experiences/counts')).body, { data: 2 });
    assert.deepEqual((await api.get('experiences/counts?title=barista')).body, { data: 1 });
  });

  it('answers 409 for an existing ID and 400 naming the field', async () => {
    const dup = await api.post('experiences', { id: 'e1', title: 'Again', type: 'lesson' });
    assert.deepEqual(
      [dup.status, dup.body],
      [409, { result: { message: 'experience "e1" exists already' } }],
    );
    const cases: [unknown, string][] = [
      [{ title: 'x' }, 'type: required (slidesync, lesson, branching or off_video_chapters)'],
      [
        { title: 'x', type: 'course' },
        'type: expected slidesync, lesson, branching or off_video_chapters, got the string "course"',
      ],
      [
        { title: 'x', type: 'lesson', playlist: 'p1' },
        'playlist: expected a list, got the string "p1"',
      ],
      [
        { title: 'x', type: 'lesson', playlist: ['p1', 'p,2'] },
        'playlist[1]: must not contain "," or "|"',
      ],
      [{ title: 'x', type: 'lesson', colour: 'red' }, 'colour: unknown field'],
    ];
    for (const [body, message] of cases) {
      const res = await api.post('experiences', body);
      assert.deepEqual([res.status, res.body], [400, { result: message }], JSON.stringify(body));
    }
  });

  it('merges a PATCH shallowly: the playlist is replaced whole', async () => {
    const res = await api.patch('experiences/e1', { playlist: ['p3'] });
    assert.equal(res.status, 200);
    assert.deepEqual(
      [result(res).title, result(res).type, result(res).playlist],
      ['Barista path', 'lesson', ['p3']],
    );
    const bad = await api.patch('experiences/e1', { type: 'course' });
    assert.equal(bad.status, 400);
  });

  it('answers 404 for an unknown or another account’s experience, then deletes softly', async () => {
    const missing = { result: { message: 'experience "e1" not found' } };
    for (const res of [
      await other.get('experiences/e1'),
      await other.patch('experiences/e1', { title: 'x' }),
      await other.delete('experiences/e1'),
    ]) {
      assert.deepEqual([res.status, res.body], [404, missing]);
    }
    const res = await api.delete('experiences/e1');
    assert.deepEqual([res.status, res.text], [204, '']);
    assert.deepEqual(
      [(await api.get('experiences/e1')).status, (await api.get('experiences/e1')).body],
      [404, missing],
    );
    assert.deepEqual((await api.get('experiences/counts')).body, { data: 1 });
  });
});
