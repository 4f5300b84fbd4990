/** Helpers of the analytics report tests: tokens, report requests, quiz answer events. */
import assert from 'node:assert/strict';
import type { Scope } from '../../src/domain/scopes.js';
import { send, type Sent } from './http.js';
import type { TestServer } from './server.js';

/** A client credential for `accounts` and an access token from POST /v4/access_token. */
export async function accessToken(
  server: TestServer,
  accounts: string[],
  scopes: Scope[] = ['video-cloud/interactivity/all'],
): Promise<string> {
  const credential = await server.admin.createCredential({ accounts, scopes });
  const basic = Buffer.from(`${credential.client_id}:${credential.client_secret}`).toString(
    'base64',
  );
  const res = await send(`${server.url}/v4/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  assert.equal(res.status, 200, res.text);
  return (res.body as { access_token: string }).access_token;
}

/** GET an analytics report: `report` is e.g. `quiz/actions`, `query` the string after `?`. */
export function report(
  server: TestServer,
  token: string | undefined,
  account: string,
  name: string,
  query = '',
): Promise<Sent> {
  return send(`${server.url}/v1/accounts/${account}/reports/${name}${query ? `?${query}` : ''}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** POST a catalog object with a token, expecting 201. */
export async function postCatalog(
  server: TestServer,
  token: string,
  path: string,
  body: unknown,
): Promise<void> {
  const res = await send(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, res.text);
}

let counter = 0;

/** A raw quiz `Answer` event as a player sends it; `user` undefined for an anonymous viewer. */
export function answer(a: {
  at: string;
  user?: string;
  project: string;
  quiz: string;
  question: string;
  answer: string;
  correct?: boolean;
  session?: string;
  extra?: Record<string, unknown>;
}) {
  return {
    event: 'Annotation Action',
    event_id: `answer-${++counter}`,
    timestamp: a.at,
    properties: {
      'Project ID': a.project,
      'Session ID': a.session ?? `s-${a.user ?? 'anonymous'}`,
      ...(a.user === undefined ? {} : { 'Partner User ID': a.user }),
      'Annotation ID': a.quiz,
      'Annotation Type': 'quiz',
      Action: 'Answer',
      Question: a.question,
      Answer: a.answer,
      ...(a.correct === undefined ? {} : { Correct: a.correct }),
      ...a.extra,
    },
  };
}

/** Imports raw events (any age) and checks that every one was accepted. */
export async function importAll(server: TestServer, account: string, events: unknown[]) {
  const result = await server.admin.importEvents(account, events);
  assert.deepEqual(result, { accepted: events.length, duplicates: 0, rejected: [] });
}
