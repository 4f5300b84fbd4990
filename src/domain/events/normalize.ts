/**
 * Turns one raw tracking event (`{event, properties}` as a viewer sends it) into a stored event,
 * or a reason for rejecting it that names the property at fault (events.md §2). Pure: the caller
 * supplies the account, the clock and what the server learned from the request.
 */
import { hash } from 'node:crypto';
import { ANNOTATION_TYPES } from '../catalog-types.js';
import {
  EVENT_KINDS,
  PLAYER_ACTIONS,
  SERVER_COLUMNS,
  eventColumnsExcept,
  type EventKind,
  type NewEvent,
} from './stored-event.js';
import { KIND_ALIASES, PROPERTY_ALIASES, normalizeName } from './names.js';

const MAX_STRING_BYTES = 4096;

const ID_PROPS = [
  'project_id',
  'experience_id',
  'session_id',
  'user_id',
  'anonymous_id',
  'video_id',
  'video_source_id',
  'annotation_id',
  'target_annotation',
  'form_user_id',
  'track_id',
] as const;
/** IDs that reports list joined by `,` or `|` may not contain either (details.md §1). */
const LISTED_IDS = new Set(['project_id', 'experience_id', 'annotation_id']);
const TEXT_PROPS = [
  'username',
  'project_title',
  'video_title',
  'annotation_type',
  'target',
  'text',
  'question',
  'answer',
  'poll_type',
  'prompt',
  'response',
  'sign_in_type',
  'first_name',
  'last_name',
  'email',
  'custom_field',
  'rating',
  'host',
  'video_source',
  'target_track',
  'target_expression',
] as const;
const NUMBER_PROPS = [
  'video_duration',
  'video_offset',
  'video_percent_complete',
  'play_time_accrued',
  'target_time',
  'rating_value',
  'annotation_start_time',
  'annotation_duration',
  'elapsed',
  'remaining',
  'num_questions',
  'num_answered',
  'num_correct',
  'num_annotations',
] as const;
const BOOLEAN_PROPS = ['correct', 'skipped', 'paused', 'pass'] as const;
/** Annotation actions of a known kind (events.md §2.1); others are kept and reported as custom. */
const ANNOTATION_ACTIONS = new Set([
  'click',
  'external_click',
  'answer',
  'submit',
  'prev',
  'next',
  'skipped',
  'expand',
  'collapse',
  'rate',
]);
/** Set by the server from the request; a client's values are ignored. */
const SERVER_PROPS = new Set([
  'account_id',
  'received_at',
  'browser',
  'os',
  'referrer',
  'referring_domain',
  'ip',
]);

/**
 * How each typed property is read, in the order they are checked: an event with several wrong
 * values is told of the first.
 */
const READERS: readonly (readonly [string, (name: string, value: unknown) => unknown])[] = [
  ...ID_PROPS.map((p) => [p, asId] as const),
  ...TEXT_PROPS.map((p) => [p, asText] as const),
  ...NUMBER_PROPS.map((p) => [p, asNumber] as const),
  ...BOOLEAN_PROPS.map((p) => [p, asBoolean] as const),
];
const READER_INDEX = new Map(READERS.map(([p], i) => [p, i]));

/** Properties stored as real columns; everything else goes to `extra`. */
const COLUMN_PROPS = new Set<string>(eventColumnsExcept(SERVER_COLUMNS));

export interface RequestFacts {
  accountId: string;
  receivedAt: Date;
  browser: string | null;
  os: string | null;
  referrer: string | null;
  referringDomain: string | null;
  ip: string | null;
}

export interface TimeRules {
  /** Future timestamps beyond this are replaced by the arrival time. */
  futureSkewMs: number;
  /** Older timestamps are rejected; `null` accepts any age (imports). */
  maxLatenessMs: number | null;
}

export type Normalized = { ok: true; event: NewEvent } | { ok: false; reason: string };

class Rejection extends Error {}
const reject = (reason: string): never => {
  throw new Rejection(reason);
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkLength(name: string, value: string): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short strings need no count.
  if (value.length * 3 > MAX_STRING_BYTES && Buffer.byteLength(value) > MAX_STRING_BYTES) {
    reject(`${name}: longer than 4 KiB`);
  }
  return value;
}

function asId(name: string, value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string')
    return reject(`${name}: expected a string or number ID, got ${kindOf(value)}`);
  if (value === '') return reject(`${name}: must not be empty`);
  if (LISTED_IDS.has(name) && /[,|]/.test(value)) reject(`${name}: must not contain "," or "|"`);
  return checkLength(name, value);
}

function asText(name: string, value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return reject(`${name}: expected a string, got ${kindOf(value)}`);
  return checkLength(name, value);
}

function asNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return reject(`${name}: expected a number, got ${kindOf(value)}`);
  }
  return value;
}

function asBoolean(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return reject(`${name}: expected true or false, got ${kindOf(value)}`);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** `YYYY-MM-DDTHH:MM:SS.mmmZ`, as `Date.prototype.toISOString` prints a time. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Parses ISO-8601; a date-time without an offset is UTC. Epoch milliseconds are accepted too. */
export function parseTimestamp(value: unknown): Date | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
  if (typeof value !== 'string') return null;
  // Fast path for the canonical form trackers send (`toISOString`'s): its day of month up to
  // 28 is valid in every month, so `Date.parse` alone decides; later days go the long way,
  // since `Date.parse` rolls 2024-02-30 over to March.
  if (CANONICAL.test(value)) {
    const ms = Date.parse(value);
    const day = Number(value.slice(8, 10));
    if (!Number.isNaN(ms) && day >= 1 && day <= 28) return new Date(ms);
  }
  const m =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(
      value,
    );
  if (!m) return null;
  const [, date, time = '00:00', zone = 'Z'] = m;
  const [y, mo, d] = date!.split('-').map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null; // 2024-02-30
  const ms = Date.parse(`${date}T${time.replace(/(\.\d{3})\d+/, '$1')}${zone.toUpperCase()}`);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** A signed 64-bit key for (account, event_id), what de-duplication compares. */
export function eventKey(accountId: string, eventId: string): bigint {
  // The first 8 bytes of the SHA-256 as a signed big-endian integer. The one-shot `hash` to hex,
  // its first 16 digits read as a BigInt, took a third of a Hash object's time fed the parts.
  return BigInt.asIntN(64, BigInt(`0x${hash('sha256', `${accountId}\0${eventId}`).slice(0, 16)}`));
}

function normalizeProperties(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // for…in over a parsed body's object: its own keys, without an array of entries per event.
  for (const key in raw) {
    const value = raw[key];
    const name = normalizeName(key);
    if (name === '' || SERVER_PROPS.has(name)) continue;
    const canonical = PROPERTY_ALIASES[name] ?? name;
    // An alias never overrides the canonical name when both are sent.
    if (canonical !== name && canonical in raw) continue;
    if (value === undefined || value === null) continue;
    out[canonical] = value;
  }
  return out;
}

export function normalizeEvent(raw: unknown, facts: RequestFacts, rules: TimeRules): Normalized {
  try {
    return { ok: true, event: build(raw, facts, rules) };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, reason: error.message };
    throw error;
  }
}

function build(raw: unknown, facts: RequestFacts, rules: TimeRules): NewEvent {
  if (!isRecord(raw))
    return reject(`event: expected an object {"event", "properties"}, got ${kindOf(raw)}`);
  if (typeof raw.event !== 'string')
    return reject('event: required, a string such as "Player Action"');
  const name = normalizeName(raw.event);
  const kind = (KIND_ALIASES[name] ?? name) as EventKind;
  if (!(EVENT_KINDS as readonly string[]).includes(kind)) {
    reject(`event: unknown kind ${JSON.stringify(raw.event)}; accepted: ${EVENT_KINDS.join(', ')}`);
  }
  if (raw.properties !== undefined && !isRecord(raw.properties))
    reject('properties: expected an object');
  const props = normalizeProperties((raw.properties as Record<string, unknown> | undefined) ?? {});

  // The typed properties sent, read in `READERS`' order whatever order they came in: a handful
  // of lookups rather than one per known property.
  const present: number[] = [];
  for (const key in props) {
    const i = READER_INDEX.get(key);
    if (i !== undefined) present.push(i);
  }
  present.sort((a, b) => a - b);
  const values: Record<string, unknown> = {};
  for (const i of present) {
    const [p, read] = READERS[i]!;
    values[p] = read(p, props[p]);
  }

  if (values.project_id === undefined && values.experience_id === undefined) {
    reject('project_id: required (or experience_id for an experience-level event)');
  }
  if (values.session_id === undefined) reject('session_id: required (alias play_session)');

  let action: string | null = null;
  if (kind === 'player_action' || kind === 'annotation_action') {
    if (props.action === undefined) reject(`action: required for ${kind}`);
    action = normalizeName(asText('action', props.action));
    if (action === '') reject('action: must not be empty');
    if (kind === 'player_action' && !(PLAYER_ACTIONS as readonly string[]).includes(action)) {
      reject(
        `action: unknown player action ${JSON.stringify(props.action)}; accepted: ${PLAYER_ACTIONS.join(', ')}`,
      );
    }
  }
  if (values.annotation_type !== undefined) {
    const type = normalizeName(values.annotation_type as string);
    if (!(ANNOTATION_TYPES as readonly string[]).includes(type)) {
      reject(
        `annotation_type: unknown type ${JSON.stringify(values.annotation_type)}; accepted: ${ANNOTATION_TYPES.join(', ')}`,
      );
    }
    values.annotation_type = type;
  }
  if (values.sign_in_type !== undefined) {
    const type = normalizeName(values.sign_in_type as string);
    if (type !== 'manual' && type !== 'auto') reject('sign_in_type: accepted: manual or auto');
    values.sign_in_type = type;
  }
  if (values.rating_value !== undefined) {
    const rating = values.rating_value as number;
    if (!Number.isInteger(rating) || rating < 1 || rating > 5)
      reject('rating_value: an integer from 1 to 5');
  }
  if (values.rating !== undefined) values.rating = normalizeName(values.rating as string);

  const ts = resolveTime(raw.timestamp ?? props.timestamp, facts.receivedAt, rules);
  const rawId = raw.event_id ?? props.event_id;
  const eventId = rawId === undefined || rawId === null ? null : asId('event_id', rawId);

  const extra: Record<string, unknown> = {};
  for (const key in props) {
    if (!COLUMN_PROPS.has(key) && key !== 'action' && key !== 'timestamp' && key !== 'event_id')
      extra[key] = props[key];
  }
  // An action of no known kind is reported as `custom`, with the original spelling in details.
  if (kind === 'annotation_action' && action !== null && !ANNOTATION_ACTIONS.has(action)) {
    extra.original_action = props.action;
  }
  const extraText = JSON.stringify(extra);
  // A UTF-16 unit is at most 3 UTF-8 bytes: short text needs no count.
  if (extraText.length * 3 > 64 * 1024 && Buffer.byteLength(extraText) > 64 * 1024)
    reject('properties: more than 64 KiB of other properties');

  const text = (p: string) => (values[p] as string | undefined) ?? null;
  const num = (p: string) => (values[p] as number | undefined) ?? null;
  const bool = (p: string) => (values[p] as boolean | undefined) ?? null;
  const sessionId = values.session_id as string;
  return {
    account_id: facts.accountId,
    event_key: eventId === null ? null : eventKey(facts.accountId, eventId),
    event_id: eventId,
    kind,
    action,
    ts,
    received_at: facts.receivedAt,
    project_id: text('project_id'),
    experience_id: text('experience_id'),
    session_id: sessionId,
    user_id: text('user_id'),
    username: text('username'),
    anonymous_id: text('anonymous_id'),
    viewer_id: text('user_id') ?? text('anonymous_id') ?? sessionId,
    video_id: text('video_id'),
    video_source_id: text('video_source_id'),
    video_duration: num('video_duration'),
    project_title: text('project_title'),
    annotation_id: text('annotation_id'),
    annotation_type: text('annotation_type'),
    video_offset: num('video_offset'),
    video_percent_complete: num('video_percent_complete'),
    play_time_accrued: num('play_time_accrued'),
    target: text('target'),
    target_annotation: text('target_annotation'),
    target_time: num('target_time'),
    text: text('text'),
    question: text('question'),
    answer: text('answer'),
    correct: bool('correct'),
    poll_type: text('poll_type'),
    prompt: text('prompt'),
    response: text('response'),
    sign_in_type: text('sign_in_type'),
    skipped: bool('skipped'),
    first_name: text('first_name'),
    last_name: text('last_name'),
    email: text('email'),
    form_user_id: text('form_user_id'),
    custom_field: text('custom_field'),
    rating: text('rating'),
    rating_value: num('rating_value'),
    browser: facts.browser,
    os: facts.os,
    referrer: facts.referrer,
    referring_domain: facts.referringDomain,
    ip: facts.ip,
    extra: extraText === '{}' ? null : extraText,
  };
}

function resolveTime(value: unknown, receivedAt: Date, rules: TimeRules): Date {
  if (value === undefined || value === null) return receivedAt;
  const ts = parseTimestamp(value);
  if (!ts) return reject('timestamp: expected ISO-8601 such as 2024-03-01T12:34:56.789Z');
  if (ts.getTime() > receivedAt.getTime() + rules.futureSkewMs) return receivedAt;
  if (rules.maxLatenessMs !== null && ts.getTime() < receivedAt.getTime() - rules.maxLatenessMs) {
    reject(
      `timestamp: older than the accepted lateness of ${Math.round(rules.maxLatenessMs / 86_400_000)} days`,
    );
  }
  return ts;
}
