/**
 * CSV bodies (reporting-api.md §1.3 item 8, details.md §1): RFC 4180 quoting, `\n` line ends,
 * empty cells for missing values, lists joined by `|`, and viewer-written text that a spreadsheet
 * would execute prefixed with `'` — in CSV only, and never a number.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setupAccount, type TestAccount } from './helpers/accounts.js';
import { postEvents, send } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const today = new Date().toISOString().slice(0, 10);

describe('report CSV', () => {
  let server: TestServer;
  let account: TestAccount;
  const base = Date.now() - 60_000;
  const at = (s: number) => new Date(base + s * 1000).toISOString();

  before(async () => {
    server = await startTestServer();
    account = await setupAccount(server, 'csv');
    const poll = (s: number, project: string, response: string, user: string) => ({
      event: 'Annotation Action',
      event_id: `poll-${s}`,
      timestamp: at(s),
      properties: {
        'Project ID': project,
        'Session ID': `s-${project}`,
        'Partner User ID': user,
        'Annotation ID': 'poll1',
        'Annotation Type': 'poll',
        Action: 'Submit',
        'Poll Type': 'MultipleChoice',
        Prompt: 'Best bird?',
        Response: response,
        'Video Offset': -1.5,
      },
    });
    const res = await postEvents(server.url, account.writeKey, [
      poll(1, 'p1', '=HYPERLINK("http://evil.example","click")', '+44 20 7946 0000'),
      poll(2, 'p2', '-3', '@someone'),
      poll(3, 'p1', 'two\nlines, "quoted"', '\tTabbed'),
      poll(4, 'p2', '-3', 'plain'),
    ]);
    assert.deepEqual(res.body, { accepted: 4, duplicates: 0, rejected: [] });
  });
  after(() => server.stop());

  const get = (report: string, format: string) =>
    send(`${server.url}/api/reports/v2/${report}?start=${today}&end=${today}&format=${format}`, {
      headers: { authorization: `Bearer ${account.token}` },
    });

  it('quotes per RFC 4180, prefixes executable text, and leaves numbers alone', async () => {
    const csv = await get('project_stream_raw', 'csv');
    assert.equal(csv.status, 200);
    const ts = (s: number) => at(s);
    assert.equal(
      csv.text,
      [
        'project_id,project_title,timestamp,session_id,user_id,action,video_offset_seconds,video_percent_complete,annotation_id,details',
        `p1,,${ts(1)},s-p1,'+44 20 7946 0000,poll_submit,-1.5,,poll1,"'=HYPERLINK(""http://evil.example"",""click"")"`,
        `p2,,${ts(2)},s-p2,'@someone,poll_submit,-1.5,,poll1,'-3`,
        `p1,,${ts(3)},s-p1,'\tTabbed,poll_submit,-1.5,,poll1,"two\nlines, ""quoted"""`,
        `p2,,${ts(4)},s-p2,plain,poll_submit,-1.5,,poll1,'-3`,
        '',
      ].join('\n'),
    );
  });

  it('keeps the text as written in JSON', async () => {
    const json = await get('project_stream_raw', 'json');
    const rows = json.body as Record<string, unknown>[];
    assert.equal(rows[0]!.details, '=HYPERLINK("http://evil.example","click")');
    assert.equal(rows[0]!.user_id, '+44 20 7946 0000');
    assert.equal(rows[0]!.video_offset_seconds, -1.5);
    assert.equal(rows[0]!.project_title, null);
  });

  it('joins lists with | in CSV and keeps them arrays in JSON', async () => {
    const csv = await get('poll_widget_summary', 'csv');
    const lines = csv.text.split('\n');
    assert.equal(lines[0], 'annotation_id,project_ids,poll_type,prompt,response,answers_received');
    // Both "-3" submits were made in one session, so by one viewer: answers_received is 1.
    assert.ok(lines.includes("poll1,p2|p2,MultipleChoice,Best bird?,'-3,1"), JSON.stringify(lines));
    const json = await get('poll_widget_summary', 'json');
    const row = (json.body as Record<string, unknown>[]).find((r) => r.response === '-3');
    assert.deepEqual(row?.project_ids, ['p2', 'p2']);
  });

  it('writes the header row even when there are no rows', async () => {
    const csv = await send(
      `${server.url}/api/reports/v2/chapter_summary?start=${today}&end=${today}&format=csv`,
      { headers: { authorization: `Bearer ${account.token}` } },
    );
    assert.equal(
      csv.text,
      'project_id,project_title,annotation_id,chapter_title,chapter_start_seconds,chapter_end_seconds,views,clicks\n',
    );
    const json = await send(
      `${server.url}/api/reports/v2/chapter_summary?start=${today}&end=${today}`,
      { headers: { authorization: `Bearer ${account.token}` } },
    );
    assert.deepEqual(json.body, []);
  });
});
