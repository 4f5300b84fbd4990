/**
 * Catalog lists and counts over real HTTP (catalog.md): paging from 1 with at most 100 a page,
 * sorting with its defaults, the case-insensitive title filter, tags with any/all, and a 400
 * naming the parameter for anything else.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setupAccount } from './helpers/accounts.js';
import { catalogClient, type CatalogClient } from './helpers/catalog.js';
import type { Sent } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** In creation order; timestamps are a few milliseconds apart. */
const PROJECTS = [
  { id: 'p01', title: 'Alpha espresso', tags: ['coffee', 'training'] },
  { id: 'p02', title: 'beta Milk', tags: ['milk', 'training'] },
  { id: 'p03', title: 'Gamma ESPRESSO shots', tags: ['coffee'] },
  { id: 'p04', title: 'delta', tags: [] },
  ...Array.from({ length: 8 }, (_, i) => ({
    id: `p${String(i + 5).padStart(2, '0')}`,
    title: `Filler ${i + 1}`,
    tags: ['filler'],
  })),
];

const ids = (res: Sent) =>
  (res.body as { result: { items: { id: string }[] } }).result.items.map((p) => p.id);
const pause = () => new Promise((resolve) => setTimeout(resolve, 3));

describe('catalog lists and counts', () => {
  let server: TestServer;
  let api: CatalogClient;

  before(async () => {
    server = await startTestServer();
    api = catalogClient(server, 'lists', (await setupAccount(server, 'lists')).token);
    for (const project of PROJECTS) {
      assert.equal((await api.post('projects', project)).status, 201);
      await pause();
    }
  });
  after(() => server.stop());

  const all = PROJECTS.map((p) => p.id);

  it('pages by 10, newest change first, and a page past the end is empty', async () => {
    assert.deepEqual(ids(await api.get('projects')), [...all].reverse().slice(0, 10));
    assert.deepEqual(ids(await api.get('projects?page=2')), ['p02', 'p01']);
    const past = await api.get('projects?page=3');
    assert.deepEqual([past.status, past.body], [200, { result: { items: [] } }]);
    assert.deepEqual(ids(await api.get('projects?page=3&pageSize=5')), ['p02', 'p01']);
    assert.equal(ids(await api.get('projects?pageSize=100')).length, 12);
    assert.deepEqual(ids(await api.get('projects?page=9007199254740991&pageSize=100')), []);
  });

  it('sorts by created_at, title (case-insensitive) and updated_at, in either order', async () => {
    assert.deepEqual(
      ids(await api.get('projects?sort_by=created_at&order_by=asc&pageSize=100')),
      all,
    );
    const byTitle = [...PROJECTS]
      .sort((a, b) => a.title.toLowerCase().localeCompare(b.title.toLowerCase()))
      .map((p) => p.id);
    assert.deepEqual(
      ids(await api.get('projects?sort_by=title&order_by=asc&pageSize=100')),
      byTitle,
    );
    assert.deepEqual(
      ids(await api.get('projects?sort_by=title&pageSize=100')),
      [...byTitle].reverse(),
    );
    await api.patch('projects/p01', { title: 'Alpha espresso' });
    assert.deepEqual(ids(await api.get('projects?pageSize=2')), ['p01', 'p12']);
    assert.deepEqual(ids(await api.get('projects?sort_by=updated_at&order_by=asc&pageSize=2')), [
      'p02',
      'p03',
    ]);
  });

  it('filters by title, as a case-insensitive substring', async () => {
    assert.deepEqual(ids(await api.get('projects?title=eSpReSsO&sort_by=title&order_by=asc')), [
      'p01',
      'p03',
    ]);
    assert.deepEqual(ids(await api.get('projects?title=MILK')), ['p02']);
    assert.deepEqual(ids(await api.get('projects?title=%25')), []);
    assert.deepEqual(ids(await api.get('projects?title=')).length, 10);
  });

  it('filters by tags: any by default, all on request; tag repeats or takes commas', async () => {
    const get = async (query: string) =>
      ids(await api.get(`projects?${query}&sort_by=created_at&order_by=asc`));
    assert.deepEqual(await get('tag=coffee'), ['p01', 'p03']);
    assert.deepEqual(await get('tag=coffee&tag=milk'), ['p01', 'p02', 'p03']);
    assert.deepEqual(await get('tag=coffee,milk&tag_match_mode=any'), ['p01', 'p02', 'p03']);
    assert.deepEqual(await get('tag=coffee,training&tag_match_mode=all'), ['p01']);
    assert.deepEqual(await get('tag=training&tag=milk&tag_match_mode=all'), ['p02']);
    assert.deepEqual(await get('tag=Coffee'), []);
    assert.deepEqual(await get('tag=coffee&title=gamma'), ['p03']);
  });

  it('counts with the same filters, as {"data": n}', async () => {
    const count = async (query: string) => {
      const res = await api.get(`projects/counts${query}`);
      assert.equal(res.status, 200);
      return res.body;
    };
    assert.deepEqual(await count(''), { data: 12 });
    assert.deepEqual(await count('?title=espresso'), { data: 2 });
    assert.deepEqual(await count('?tag=coffee,training&tag_match_mode=all'), { data: 1 });
    assert.deepEqual(await count('?tag=filler&page=5&pageSize=1&sort_by=title'), { data: 8 });
    assert.deepEqual(await count('?title=nothing-like-this'), { data: 0 });
  });

  it('answers 400 naming the parameter and what it accepts', async () => {
    const cases: [string, string][] = [
      ['pageSize=101', 'pageSize: expected a whole number from 1 to 100, got "101"'],
      ['pageSize=0', 'pageSize: expected a whole number from 1 to 100, got "0"'],
      ['page=0', 'page: expected a whole number 1 or more, got "0"'],
      ['page=1.5', 'page: expected a whole number 1 or more, got "1.5"'],
      ['page=-1', 'page: expected a whole number 1 or more, got "-1"'],
      ['sort_by=name', 'sort_by: expected updated_at, created_at or title, got "name"'],
      ['order_by=up', 'order_by: expected desc or asc, got "up"'],
      ['tag=a&tag_match_mode=some', 'tag_match_mode: expected any or all, got "some"'],
      ['page=1&page=2', 'page: given more than once'],
      [
        'page_size=5',
        'page_size: unknown parameter; accepted: page, pageSize, sort_by, order_by, title, tag, tag_match_mode',
      ],
    ];
    for (const [query, message] of cases) {
      for (const path of ['projects', 'projects/counts']) {
        const res = await api.get(`${path}?${query}`);
        assert.deepEqual([res.status, res.body], [400, { result: message }], `${path}?${query}`);
      }
    }
  });

  it('takes no tag filter for experiences', async () => {
    const res = await api.get('experiences?tag=x');
    assert.deepEqual(
      [res.status, res.body],
      [
        400,
        { result: 'tag: unknown parameter; accepted: page, pageSize, sort_by, order_by, title' },
      ],
    );
  });
});
