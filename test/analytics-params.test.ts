/**
 * The analytics family's parameters over HTTP (details.md §3): the date forms, the defaults, the
 * six-month limit, and every 400, in the `{"result":"message"}` body. Counted with quiz/actions,
 * the simplest report: each test's expected count is the number of answers in its range.
 *
 * Answers of account `acme`, project p1:
 *   old    2024-03-15T12:00:00.000Z   (imported: any age)
 *   recent one day ago                (through POST /v1/events with a write key)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accessToken, answer, importAll, report } from './helpers/analytics.js';
import { postEvents } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const FORMS =
  'a date (YYYY-MM-DD) or an RFC 3339 date-time with Z or an offset (YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DDTHH:MM:SS.sss+HH:MM)';

const DAY_MS = 86_400_000;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

describe('analytics parameters', () => {
  let server: TestServer;
  let token: string;
  const one = { result: [{ actions: 1, project: { id: 'p1', title: null } }] };
  const none = { result: [] };

  before(async () => {
    server = await startTestServer();
    await server.admin.createAccount({ id: 'acme' });
    token = await accessToken(server, ['acme']);
    const quiz = { project: 'p1', quiz: 'q1', user: 'u1', question: 'Q?', answer: 'A' };
    await importAll(server, 'acme', [answer({ ...quiz, at: '2024-03-15T12:00:00.000Z' })]);
    const key = (await server.admin.createKey({ account: 'acme', type: 'write' })).key;
    const sent = await postEvents(
      server.url,
      key,
      answer({ ...quiz, at: new Date(Date.now() - DAY_MS).toISOString() }),
    );
    assert.deepEqual(sent.body, { accepted: 1, duplicates: 0, rejected: [] });
  });
  after(() => server.stop());

  const actions = (query: string) => report(server, token, 'acme', 'quiz/actions', query);

  async function expectOk(query: string, body: unknown) {
    const res = await actions(query);
    assert.deepEqual([res.status, res.body], [200, body], query);
  }

  async function expect400(query: string, message: string | RegExp, name = 'quiz/actions') {
    const res = await report(server, token, 'acme', name, query);
    assert.equal(res.status, 400, query);
    const body = res.body as { result: string };
    if (typeof message === 'string') assert.deepEqual(body, { result: message }, query);
    else {
      assert.deepEqual(Object.keys(body), ['result']);
      assert.match(body.result, message, query);
    }
  }

  describe('defaults', () => {
    it('neither: the six months ending now', () => expectOk('', one)); // recent only

    it('only start_time: until now', async () => {
      await expectOk(`start_time=${day(Date.now() - 2 * DAY_MS)}`, one);
      await expectOk(`start_time=${new Date(Date.now() - DAY_MS + 60_000).toISOString()}`, none);
    });

    it('only end_time: the six months before it', async () => {
      await expectOk('end_time=2024-03-31', one); // 2023-09-30 … 2024-03-31: old
      await expectOk('end_time=2024-09-14', one); // 2024-03-14 … 2024-09-14: old
      await expectOk('end_time=2024-09-16', none); // from 2024-03-16: neither
      await expectOk('end_time=2024-09-15T11:59:59Z', one); // from 2024-03-15T11:59:59Z
      await expectOk('end_time=2024-09-15T12:00:01Z', none); // from 2024-03-15T12:00:01Z
    });
  });

  describe('forms', () => {
    it('a date-only range covers whole days', async () => {
      await expectOk('start_time=2024-03-15&end_time=2024-03-15', one);
      await expectOk('start_time=2024-03-14&end_time=2024-03-14', none);
      await expectOk('start_time=2024-03-16&end_time=2024-03-16', none);
    });

    it('date-times with Z are inclusive at both ends', async () => {
      await expectOk('start_time=2024-03-15T12:00:00Z&end_time=2024-03-15T12:00:00Z', one);
      await expectOk('start_time=2024-03-15T00:00:00Z&end_time=2024-03-15T11:59:59.999Z', none);
      await expectOk('start_time=2024-03-15T12:00:00.001Z&end_time=2024-03-16T00:00:00Z', none);
      await expectOk('start_time=2024-03-15t12:00:00.000123z&end_time=2024-03-15', one); // cut to ms
    });

    it('offsets: encoded +, an unencoded + (a space) and -', async () => {
      await expectOk(
        'start_time=2024-03-15T13:00:00%2B01:00&end_time=2024-03-15T07:00:00-05:00',
        one,
      );
      await expectOk(
        'start_time=2024-03-15T13:00:00+01:00&end_time=2024-03-15T13:00:00+01:00',
        one,
      );
      await expectOk('start_time=2024-03-15T13:00:01%2B01:00&end_time=2024-03-16', none);
    });

    it('mixes a date-time start with a date-only end on the same day', () =>
      expectOk('start_time=2024-03-15T18:00:00Z&end_time=2024-03-15', none));

    it('accepts exactly six months, as the engagement family does', async () => {
      await expectOk('start_time=2023-09-30&end_time=2024-03-31', one);
      await expectOk('start_time=2024-02-29&end_time=2024-08-31', one);
      await expectOk('start_time=2023-09-15T12:00:00Z&end_time=2024-03-15T12:00:00Z', one);
    });

    it('treats an empty value as absent and ignores unknown or unlisted parameters', async () => {
      await expectOk('start_time=&end_time=2024-03-31&project_id=&foo=bar&user_id=u9', one);
      await expectOk('end_time=2024-03-31&show_details=nonsense', one); // not a quiz/actions one
    });
  });

  describe('400', () => {
    it('an impossible or malformed date, naming the parameter and the accepted forms', async () => {
      await expect400('start_time=2024-02-30', `start_time must be ${FORMS}, got "2024-02-30"`);
      await expect400(
        'end_time=2024-03-15T12:00:00',
        `end_time must be ${FORMS}, got "2024-03-15T12:00:00"`,
      );
      await expect400(
        'end_time=2024-03-15T24:00:00Z',
        `end_time must be ${FORMS}, got "2024-03-15T24:00:00Z"`,
      );
      await expect400(
        'end_time=2024-03-15T10:00:00%2B24:00',
        `end_time must be ${FORMS}, got "2024-03-15T10:00:00+24:00"`,
      );
      await expect400('start_time=03%2F15%2F2024', `start_time must be ${FORMS}, got "03/15/2024"`);
      await expect400(
        'start_time=1710504000000',
        `start_time must be ${FORMS}, got "1710504000000"`,
      );
    });

    it('an instant outside the years 1000 to 9999, also through an offset', async () => {
      const bounds = 'must be between 1000-01-01 and 9999-12-31 (UTC), got';
      await expect400(
        'end_time=9999-12-31T23:59:59-23:59',
        `end_time ${bounds} "9999-12-31T23:59:59-23:59"`,
      );
      await expect400(
        'start_time=0999-12-31&end_time=1000-01-01',
        `start_time ${bounds} "0999-12-31"`,
      );
      await expectOk('start_time=9999-12-31&end_time=9999-12-31', none);
    });

    it('start after end', async () => {
      await expect400(
        'start_time=2024-03-16&end_time=2024-03-15',
        'start_time (2024-03-16T00:00:00.000Z) is after end_time (2024-03-15T23:59:59.999Z); start_time must be on or before end_time',
      );
      await expect400(
        'start_time=2024-03-15T12:00:00.001Z&end_time=2024-03-15T12:00:00Z',
        'start_time (2024-03-15T12:00:00.001Z) is after end_time (2024-03-15T12:00:00.000Z); start_time must be on or before end_time',
      );
      await expect400(
        'start_time=2099-01-01',
        /^start_time \(2099-01-01T00:00:00\.000Z\) is after end_time \(now, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\); start_time must be on or before end_time$/,
      );
    });

    it('more than six months', async () => {
      await expect400(
        'start_time=2023-09-29&end_time=2024-03-31',
        'the range 2023-09-29T00:00:00.000Z to 2024-03-31T23:59:59.999Z is longer than 6 months; start_time must be on or after 2023-09-30T00:00:00.000Z',
      );
      await expect400(
        'start_time=2023-09-15T11:59:59.999Z&end_time=2024-03-15T12:00:00Z',
        'the range 2023-09-15T11:59:59.999Z to 2024-03-15T12:00:00.000Z is longer than 6 months; start_time must be on or after 2023-09-15T12:00:00.000Z',
      );
      await expect400(
        'start_time=2024-01-01',
        /^the range 2024-01-01T00:00:00\.000Z to \S+ is longer than 6 months; start_time must be on or after \S+$/,
      );
    });

    it('a parameter given twice', async () => {
      await expect400(
        'project_id=p1&project_id=p1',
        'project_id is given more than once; give it once',
      );
      await expect400(
        'start_time=2024-03-01&start_time=',
        'start_time is given more than once; give it once',
      );
    });

    it('a list or a NUL where one project ID belongs', async () => {
      await expect400('project_id=p1,p2', 'project_id must be one ID, got "p1,p2"');
      await expect400('project_id=p%00', 'project_id must not contain a NUL character');
    });

    it('quiz/project/summary without project_id', () =>
      expect400(
        'end_time=2024-03-31',
        'project_id is required: give the ID of one project',
        'quiz/project/summary',
      ));

    it('show_details that is not true or false', async () => {
      await expect400(
        'show_details=yes',
        'show_details must be true or false, got "yes"',
        'gradebook/users/answers',
      );
      await expect400(
        'user_id=u%00',
        'user_id must not contain a NUL character',
        'gradebook/users/answers',
      );
    });

    it('comes before the unknown-project 404', () =>
      expect400('project_id=nope&end_time=never', `end_time must be ${FORMS}, got "never"`));
  });
});
