/**
 * The catalog service called from code, as the demo seeder and the report engine call it, over a
 * real store: a pinned clock and ID maker, concurrent PATCHes that must not lose each other, the
 * whole demo catalog as a body-validation fixture, and the limits held for code callers too.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createCatalogService, type CatalogService } from '../src/catalog/service.js';
import { loadConfig } from '../src/config.js';
import { DEMO_CATALOG } from '../src/domain/demo/catalog.js';
import { AppError } from '../src/domain/errors.js';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/store.js';
import { forgetDatabase, storeSettings } from './helpers/backend.js';
import { tempDir } from './helpers/server.js';

describe('catalog service', () => {
  const dataDir = tempDir();
  let store: Store;
  let catalog: CatalogService;
  let clock = Date.parse('2024-03-01T00:00:00.000Z');
  let serial = 0;

  before(async () => {
    store = await openStore(loadConfig({ ...(await storeSettings(dataDir)), logLevel: 'silent' }));
    catalog = createCatalogService(store, {
      now: () => new Date((clock += 1000)),
      newId: () => `id-${++serial}`,
    });
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    await forgetDatabase(dataDir);
  });

  it('creates from code with the injected clock and IDs, and returns the stored object', async () => {
    const project = await catalog.createProject('acc', { title: 'From code', tags: ['a'] });
    assert.deepEqual(project, {
      id: 'id-1',
      account_id: 'acc',
      title: 'From code',
      video_id: null,
      video_source_id: null,
      video_duration: null,
      tags: ['a'],
      created_at: '2024-03-01T00:00:01.000Z',
      updated_at: '2024-03-01T00:00:01.000Z',
    });
    assert.deepEqual(await catalog.findProject('acc', 'id-1'), project);
    assert.equal(await catalog.findProject('other', 'id-1'), null);
    const patched = await catalog.updateProject('acc', 'id-1', { video_duration: 60 });
    assert.deepEqual(patched, {
      ...project,
      video_duration: 60,
      updated_at: '2024-03-01T00:00:02.000Z',
    });
  });

  it('throws AppErrors with the status and field for HTTP to map', async () => {
    await assert.rejects(
      catalog.createProject('acc', { title: 'x', video_duration: -1 }),
      (error: unknown) =>
        error instanceof AppError &&
        error.status === 400 &&
        error.field === 'video_duration' &&
        error.message === 'video_duration: must be a number of seconds greater than 0, or null',
    );
    await assert.rejects(
      catalog.getProject('acc', 'missing'),
      (error: unknown) => error instanceof AppError && error.code === 'RESOURCE_NOT_FOUND',
    );
  });

  it('does not lose either of two concurrent PATCHes of different fields', async () => {
    const { id } = await catalog.createProject('acc', { title: 'Race', video_id: 'v0' });
    for (let round = 0; round < 10; round++) {
      await Promise.all([
        catalog.updateProject('acc', id, { title: `Race ${round}` }),
        catalog.updateProject('acc', id, { video_id: `v${round}` }),
        catalog.updateProject('acc', id, { tags: [`t${round}`] }),
      ]);
      const now = await catalog.getProject('acc', id);
      assert.deepEqual(
        [now.title, now.video_id, now.tags],
        [`Race ${round}`, `v${round}`, [`t${round}`]],
      );
    }
  });

  it('writes nothing when a PATCH is refused inside the change', async () => {
    await catalog.createProject('acc', { id: 'p-quiz', title: 'Quiz host' });
    const quiz = await catalog.createAnnotation('acc', 'p-quiz', {
      id: 'q1',
      type: 'quiz',
      properties: {
        questions: [{ question: 'Q', answers: [{ text: 'A', type: 'choice', correct: true }] }],
      },
    });
    await assert.rejects(
      catalog.updateAnnotation(
        { accountId: 'acc', projectId: 'p-quiz', id: 'q1' },
        { type: 'poll' },
      ),
      /properties\.poll_type: required/,
    );
    assert.deepEqual(await catalog.getAnnotation('acc', 'p-quiz', 'q1'), quiz);
  });

  it('lists every annotation of a project, in creation order, when no page is asked for', async () => {
    await catalog.createProject('acc', { id: 'p-many', title: 'Many' });
    for (let i = 0; i < 15; i++) {
      await catalog.createAnnotation('acc', 'p-many', { id: `m${i}`, type: 'pop' });
    }
    const all = await catalog.listAnnotations('acc', 'p-many');
    assert.deepEqual(
      all.map((a) => a.id),
      Array.from({ length: 15 }, (_, i) => `m${i}`),
    );
    assert.equal((await catalog.listAnnotations('acc', 'p-many', {})).length, 10);
  });

  it('holds code callers to the list limits', async () => {
    await assert.rejects(
      catalog.listProjects('acc', { pageSize: 1000 }),
      /pageSize: expected a whole number from 1 to 100, got 1000/,
    );
    await assert.rejects(
      catalog.listProjects('acc', { page: 0 }),
      /page: expected a whole number 1 or more, got 0/,
    );
    assert.equal(await catalog.countProjects('acc', { title: undefined }), 4);
  });

  it('stores the whole demo catalog as the demo seeder builds it', async () => {
    for (const project of DEMO_CATALOG.projects) await catalog.createProject('demo', project);
    for (const { projectId, body } of DEMO_CATALOG.annotations) {
      await catalog.createAnnotation('demo', projectId, body);
    }
    for (const experience of DEMO_CATALOG.experiences)
      await catalog.createExperience('demo', experience);
    assert.equal(await catalog.countProjects('demo'), DEMO_CATALOG.projects.length);
    assert.equal(await catalog.countExperiences('demo'), DEMO_CATALOG.experiences.length);
    let annotations = 0;
    for (const project of DEMO_CATALOG.projects) {
      annotations += (await catalog.listAnnotations('demo', project.id)).length;
    }
    assert.equal(annotations, DEMO_CATALOG.annotations.length);
  });
});
