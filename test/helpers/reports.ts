/**
 * Fixtures for the engagement report tests. Each scenario gets a fresh account on one real server
 * (so every report request is a new report identity, and the rate limits never get in the way),
 * sends hand-made events through the real collector, writes the catalog over HTTP, and reads the
 * report over HTTP as JSON, exactly as a client does.
 */
import assert from 'node:assert/strict';
import type { ConfigInput } from '../../src/config.js';
import { ENGAGEMENT_REPORTS, type EngagementReportName } from '../../src/domain/reports/columns.js';
import { send, type Sent } from './http.js';
import { startTestServer, type TestServer } from './server.js';

export type RawEvent = { event: string; timestamp?: string; properties: Record<string, unknown> };
export type Row = Record<string, unknown>;

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the UTC day `n` days before today. */
export function daysAgo(n: number): string {
  return new Date(Date.now() - n * DAY_MS).toISOString().slice(0, 10);
}

/** The day after `day`. */
export function nextDay(day: string, days = 1): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `2024-03-01T10:00:05.000Z` from a day and `10:00:05` (or `10:00:05.250`). */
export function at(day: string, time: string): string {
  return `${day}T${time.includes('.') ? time : `${time}.000`}Z`;
}

/** Who and where a session is: each becomes the property a Brightcove viewer would send. */
export interface SessionBase {
  session: string;
  project?: string;
  experience?: string;
  user?: string;
  username?: string;
  anon?: string;
}

function baseProperties(base: SessionBase): Record<string, unknown> {
  return {
    'Session ID': base.session,
    ...(base.project !== undefined && { 'Project ID': base.project }),
    ...(base.experience !== undefined && { 'Experience ID': base.experience }),
    ...(base.user !== undefined && { 'Partner User ID': base.user }),
    ...(base.username !== undefined && { Username: base.username }),
    ...(base.anon !== undefined && { 'Anonymous ID': base.anon }),
  };
}

/**
 * Builds the events of one session. `day` is the default day of the times given as `HH:MM:SS`;
 * a full ISO timestamp is used as is.
 */
export function session(base: SessionBase, day: string) {
  const time = (t: string) => (t.includes('T') ? t : at(day, t));
  const make = (event: string, t: string, props: Record<string, unknown>): RawEvent => ({
    event,
    timestamp: time(t),
    properties: { ...baseProperties(base), ...props },
  });
  const annotation = (id: string, type: string | null) => ({
    'Annotation ID': id,
    ...(type !== null && { 'Annotation Type': type }),
  });
  return {
    /** A player action (`Load`, `Play`, `Progress`, …). */
    player: (action: string, t: string, props: Record<string, unknown> = {}) =>
      make('Player Action', t, { Action: action, ...props }),
    /** `Progress` with `Play Time Accrued`. */
    progress: (t: string, accrued: number, props: Record<string, unknown> = {}) =>
      make('Player Action', t, { Action: 'Progress', 'Play Time Accrued': accrued, ...props }),
    /** An annotation view; `type` null sends no `Annotation Type`. */
    view: (id: string, type: string | null, t: string, props: Record<string, unknown> = {}) =>
      make('Annotation View', t, { ...annotation(id, type), ...props }),
    end: (id: string, type: string | null, t: string, props: Record<string, unknown> = {}) =>
      make('Annotation Ended', t, { ...annotation(id, type), ...props }),
    /** An annotation action. */
    action: (
      id: string,
      type: string | null,
      action: string,
      t: string,
      props: Record<string, unknown> = {},
    ) => make('Annotation Action', t, { ...annotation(id, type), Action: action, ...props }),
  };
}

/**
 * A valid catalog annotation of `type` with the least the catalog asks of it: quizzes need a
 * question, polls a type, prompt and responses (catalog.md).
 */
export function annotationOf(id: string, type: string): Record<string, unknown> {
  const properties: Record<string, unknown> =
    type === 'quiz'
      ? { questions: [{ question: 'Q?', answers: [{ text: 'A', type: 'choice', correct: true }] }] }
      : type === 'poll'
        ? { poll_type: 'MultipleChoice', prompt: 'P?', responses: ['Yes', 'No'] }
        : {};
  return { id, type, title: id, properties };
}

export interface ReportQuery {
  start: string;
  end: string;
  project_id?: string;
  experience_id?: string;
}

export interface ReportAccount {
  id: string;
  /**
   * Sends events through the collector (live events: within the last 7 days) and checks all were
   * taken. Every send and import starts with a compaction of what came before, as the server's
   * timer would run one, so that reports read every kind of session partial: merged (sent
   * before; on PostgreSQL marked alone), fresh (sent last), and both in one session (sent in parts).
   */
  send(events: RawEvent[]): Promise<void>;
  /** Loads events of any age through the admin import (the collector's normalisation); compacts first, as `send`. */
  importEvents(events: RawEvent[]): Promise<void>;
  /** Creates catalog entries over HTTP (catalog.md). */
  project(body: Record<string, unknown>): Promise<void>;
  annotation(projectId: string, body: Record<string, unknown>): Promise<void>;
  experience(body: Record<string, unknown>): Promise<void>;
  deleteProject(projectId: string): Promise<void>;
  /** Requests a report as JSON without `send_status` (long-poll) and returns its rows. */
  report(name: string, query: ReportQuery): Promise<Row[]>;
  /** As `report`, with whether the result was cut at the row cap (`X-Report-Truncated`). */
  reportWithCap(name: string, query: ReportQuery): Promise<{ rows: Row[]; truncated: boolean }>;
}

export interface ReportServer {
  server: TestServer;
  /** A fresh account with a write key and a catalog-writing credential. */
  account(): Promise<ReportAccount>;
  stop(): Promise<void>;
}

const LIMITS = { minute: 1000, hour: 10_000, day: 100_000 };

export async function startReportServer(
  overrides: Partial<ConfigInput> = {},
): Promise<ReportServer> {
  const server = await startTestServer(overrides);
  let accounts = 0;
  return {
    server,
    stop: () => server.stop(),
    async account() {
      const id = `acc${++accounts}`;
      await server.admin.createAccount({ id, limits: LIMITS });
      const { key } = await server.admin.createKey({ account: id, type: 'write' });
      const credential = await server.admin.createCredential({
        accounts: [id],
        scopes: ['video-cloud/interactivity/all'],
      });
      const token = await accessToken(server.url, credential.client_id, credential.client_secret);
      const auth = { authorization: `Bearer ${token}` };
      const catalogWrite = async (method: string, path: string, body?: unknown) => {
        const res = await send(`${server.url}/v1/accounts/${id}/${path}`, {
          method,
          headers: { ...auth, ...(body !== undefined && { 'content-type': 'application/json' }) },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
        assert.equal(res.status, method === 'DELETE' ? 204 : 201, `${method} ${path}: ${res.text}`);
      };
      return {
        id,
        async send(events) {
          await server.store.rollups.compact();
          const res = await send(`${server.url}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-cuepoint-key': key },
            body: JSON.stringify(events),
          });
          assert.equal(res.status, 200, res.text);
          assert.deepEqual(res.body, { accepted: events.length, duplicates: 0, rejected: [] });
        },
        async importEvents(events) {
          await server.store.rollups.compact();
          const result = await server.admin.importEvents(id, events);
          assert.equal(result.accepted, events.length, JSON.stringify(result));
        },
        project: (body) => catalogWrite('POST', 'projects', body),
        annotation: (projectId, body) =>
          catalogWrite('POST', `projects/${projectId}/annotations`, body),
        experience: (body) => catalogWrite('POST', 'experiences', body),
        deleteProject: (projectId) => catalogWrite('DELETE', `projects/${projectId}`),
        report: async (name, query) => (await reportWithCap(name, query)).rows,
        reportWithCap,
      };
      async function reportWithCap(
        name: string,
        query: ReportQuery,
      ): Promise<{ rows: Row[]; truncated: boolean }> {
        const params = new URLSearchParams({ account_id: id, format: 'json', ...query });
        const url = `${server.url}/api/reports/v2/${name}?${params}`;
        // Without send_status the server holds the request until the report is ready (up to its
        // wait); should that run out, ask again.
        let res: Sent;
        for (let attempt = 0; ; attempt++) {
          res = await send(url, { headers: auth });
          if (res.status !== 202 || attempt >= 5) break;
        }
        assert.equal(res.status, 200, `${name}: ${res.text}`);
        assert.ok(Array.isArray(res.body), `${name}: expected a JSON array, got ${res.text}`);
        return {
          rows: checked(name, res.body as Row[]),
          truncated: res.headers.get('x-report-truncated') === 'true',
        };
      }
    },
  };
}

/** Every row has exactly the report's columns, in order (reporting-api.md §1.3: keys in column order). */
function checked(name: string, rows: Row[]): Row[] {
  const columns = ENGAGEMENT_REPORTS[name as EngagementReportName].map(([column]) => column);
  for (const row of rows)
    assert.deepEqual(Object.keys(row), columns, `${name}: keys in column order`);
  return rows;
}

async function accessToken(base: string, clientId: string, secret: string): Promise<string> {
  const res = await send(`${base}/v4/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  assert.equal(res.status, 200, res.text);
  return (res.body as { access_token: string }).access_token;
}
