import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { anonymizeIp } from '../src/domain/events/ip.js';
import { normalizeName } from '../src/domain/events/names.js';
import {
  eventKey,
  normalizeEvent,
  parseTimestamp,
  type RequestFacts,
  type TimeRules,
} from '../src/domain/events/normalize.js';

const now = new Date('2024-03-10T12:00:00.000Z');
const facts: RequestFacts = {
  accountId: 'acc',
  receivedAt: now,
  browser: 'Chrome',
  os: 'Linux',
  referrer: 'https://example.com/page',
  referringDomain: 'example.com',
  ip: '203.0.113.0',
};
const live: TimeRules = { futureSkewMs: 300_000, maxLatenessMs: 7 * 86_400_000 };

function ok(raw: unknown, rules = live) {
  const result = normalizeEvent(raw, facts, rules);
  if (!result.ok) assert.fail(result.reason);
  return result.event;
}

function rejected(raw: unknown, rules = live): string {
  const result = normalizeEvent(raw, facts, rules);
  assert.equal(result.ok, false, 'expected a rejection');
  return result.ok ? '' : result.reason;
}

describe('normalizeName', () => {
  it('lower-cases and folds runs of other characters into _', () => {
    assert.equal(normalizeName('Video Offset'), 'video_offset');
    assert.equal(normalizeName('End - Complete'), 'end_complete');
    assert.equal(normalizeName('External Click'), 'external_click');
    assert.equal(normalizeName('PLAYER ACTION'), 'player_action');
    assert.equal(normalizeName('  Play  '), 'play');
  });
});

describe('normalizeEvent', () => {
  it('maps a Brightcove-style event to stored columns', () => {
    const event = ok({
      event: 'Annotation Action',
      event_id: 'e-1',
      timestamp: '2024-03-09T12:34:56.789Z',
      properties: {
        'Project ID': '64088f5d',
        'Play Session': '1857e95a',
        'Partner User ID': 42,
        'Annotation ID': 'a1',
        'Annotation Type': 'quiz',
        Action: 'Answer',
        Question: 'Which bird?',
        Answer: 'Royal Tern',
        Correct: true,
        'Video Offset': 72.4,
        'Play Time Accrued': 70.1,
        'Video Duration': 184,
        'Custom Color': 'blue',
      },
    });
    assert.equal(event.kind, 'annotation_action');
    assert.equal(event.action, 'answer');
    assert.equal(event.project_id, '64088f5d');
    assert.equal(event.session_id, '1857e95a');
    assert.equal(event.user_id, '42', 'numbers become strings');
    assert.equal(event.viewer_id, '42');
    assert.equal(event.annotation_type, 'quiz');
    assert.equal(event.correct, true);
    assert.equal(event.video_offset, 72.4);
    assert.equal(event.play_time_accrued, 70.1);
    assert.equal(event.video_duration, 184);
    assert.equal(event.ts.toISOString(), '2024-03-09T12:34:56.789Z');
    assert.equal(event.event_key, eventKey('acc', 'e-1'));
    assert.deepEqual(JSON.parse(event.extra ?? '{}'), { custom_color: 'blue' });
    assert.equal(event.browser, 'Chrome');
    assert.equal(event.ip, '203.0.113.0');
  });

  it('keeps an annotation action of no known kind, with its original spelling', () => {
    const event = ok({
      event: 'Annotation Action',
      properties: {
        project_id: 'p',
        session_id: 's',
        action: 'Thumbs Wiggle',
        annotation_type: 'iframe',
      },
    });
    assert.equal(event.action, 'thumbs_wiggle');
    assert.deepEqual(JSON.parse(event.extra ?? '{}'), { original_action: 'Thumbs Wiggle' });
  });

  it('takes the viewer from user_id, else anonymous_id, else the session', () => {
    const base = {
      event: 'player_action',
      properties: { project_id: 'p', session_id: 's', action: 'load' },
    };
    assert.equal(ok(base).viewer_id, 's');
    assert.equal(
      ok({ ...base, properties: { ...base.properties, anonymous_id: 'anon' } }).viewer_id,
      'anon',
    );
    assert.equal(
      ok({ ...base, properties: { ...base.properties, anonymous_id: 'anon', userid: 'u' } })
        .viewer_id,
      'u',
    );
  });

  it('accepts annotation_ended as annotation_end and an experience-level event', () => {
    const event = ok({
      event: 'Annotation Ended',
      properties: { experience_id: 'x', session_id: 's' },
    });
    assert.equal(event.kind, 'annotation_end');
    assert.equal(event.project_id, null);
    assert.equal(event.experience_id, 'x');
  });

  it('uses the arrival time without a timestamp, and for one too far in the future', () => {
    const base = {
      event: 'player_action',
      properties: { project_id: 'p', session_id: 's', action: 'play' },
    };
    assert.equal(ok(base).ts.getTime(), now.getTime());
    assert.equal(ok({ ...base, timestamp: '2024-03-10T12:10:00Z' }).ts.getTime(), now.getTime());
    assert.equal(
      ok({ ...base, timestamp: '2024-03-10T12:04:00Z' }).ts.toISOString(),
      '2024-03-10T12:04:00.000Z',
    );
  });

  it('reads a timestamp without an offset as UTC', () => {
    const base = {
      event: 'player_action',
      properties: { project_id: 'p', session_id: 's', action: 'play' },
    };
    assert.equal(
      ok({ ...base, timestamp: '2024-03-09T08:00:00' }).ts.toISOString(),
      '2024-03-09T08:00:00.000Z',
    );
    assert.equal(
      ok({ ...base, timestamp: '2024-03-09T08:00:00+02:00' }).ts.toISOString(),
      '2024-03-09T06:00:00.000Z',
    );
  });

  it('rejects events older than the lateness, unless importing', () => {
    const old = {
      event: 'player_action',
      timestamp: '2023-01-01T00:00:00Z',
      properties: { project_id: 'p', session_id: 's', action: 'play' },
    };
    assert.match(rejected(old), /^timestamp: older than the accepted lateness of 7 days/);
    assert.equal(
      ok(old, { futureSkewMs: 0, maxLatenessMs: null }).ts.toISOString(),
      '2023-01-01T00:00:00.000Z',
    );
  });

  it('rejects bad values naming the property', () => {
    const props = { project_id: 'p', session_id: 's', action: 'play' };
    const cases: [unknown, RegExp][] = [
      ['not an object', /^event: expected an object/],
      [{ properties: props }, /^event: required/],
      [
        { event: 'Player Moved', properties: props },
        /^event: unknown kind "Player Moved"; accepted: player_action, /,
      ],
      [
        { event: 'player_action', properties: { session_id: 's', action: 'play' } },
        /^project_id: required/,
      ],
      [
        { event: 'player_action', properties: { project_id: 'p', action: 'play' } },
        /^session_id: required/,
      ],
      [
        { event: 'player_action', properties: { project_id: 'p', session_id: 's' } },
        /^action: required/,
      ],
      [
        { event: 'player_action', properties: { ...props, action: 'dance' } },
        /^action: unknown player action "dance"/,
      ],
      [
        { event: 'player_action', properties: { ...props, video_offset: '12' } },
        /^video_offset: expected a number, got the string "12"/,
      ],
      [
        { event: 'annotation_action', properties: { ...props, action: 'rate', rating_value: 6 } },
        /^rating_value: an integer from 1 to 5/,
      ],
      [
        {
          event: 'annotation_action',
          properties: { ...props, action: 'x', annotation_type: 'banner' },
        },
        /^annotation_type: unknown type "banner"/,
      ],
      [
        {
          event: 'annotation_action',
          properties: { ...props, action: 'submit', sign_in_type: 'sso' },
        },
        /^sign_in_type: accepted: manual or auto/,
      ],
      [
        { event: 'player_action', properties: { ...props, project_id: 'a|b' } },
        /^project_id: must not contain "," or "\|"/,
      ],
      [
        { event: 'player_action', properties: { ...props, username: 'x'.repeat(5000) } },
        /^username: longer than 4 KiB/,
      ],
      [
        { event: 'player_action', timestamp: '2024-02-30T00:00:00Z', properties: props },
        /^timestamp: expected ISO-8601/,
      ],
      [{ event: 'player_action', properties: 'nope' }, /^properties: expected an object/],
    ];
    for (const [raw, pattern] of cases)
      assert.match(rejected(raw), pattern, JSON.stringify(raw).slice(0, 80));
  });

  it('names the first wrong value in a fixed order (IDs, texts, numbers, booleans), whatever order they came in', () => {
    const reason = rejected({
      event: 'player_action',
      properties: {
        correct: 'maybe',
        video_duration: 'long',
        username: {},
        project_id: ['p'],
        session_id: 's',
        action: 'play',
      },
    });
    assert.match(reason, /^project_id: expected a string or number ID, got an array/);
    const second = rejected({
      event: 'player_action',
      properties: { correct: 'maybe', video_duration: 'long', project_id: 'p', session_id: 's' },
    });
    assert.match(second, /^video_duration: expected a number/);
  });

  it('ignores server-owned properties sent by the client', () => {
    const event = ok({
      event: 'player_action',
      properties: {
        project_id: 'p',
        session_id: 's',
        action: 'load',
        account_id: 'other',
        ip: '1.2.3.4',
        browser: 'Fake',
      },
    });
    assert.equal(event.account_id, 'acc');
    assert.equal(event.ip, '203.0.113.0');
    assert.equal(event.browser, 'Chrome');
    assert.equal(event.extra, null);
  });
});

describe('parseTimestamp', () => {
  it('accepts dates, date-times and epoch milliseconds; refuses impossible dates', () => {
    assert.equal(parseTimestamp('2024-03-01')?.toISOString(), '2024-03-01T00:00:00.000Z');
    assert.equal(
      parseTimestamp('2024-03-01T12:34:56.789123Z')?.toISOString(),
      '2024-03-01T12:34:56.789Z',
    );
    assert.equal(parseTimestamp(0)?.toISOString(), '1970-01-01T00:00:00.000Z');
    assert.equal(parseTimestamp('2024-02-30'), null);
    assert.equal(parseTimestamp('yesterday'), null);
  });

  it("reads toISOString's form on every day of a month, and refuses days a month lacks", () => {
    for (const day of ['01', '28', '29', '30', '31']) {
      const text = `2024-01-${day}T23:59:59.999Z`;
      assert.equal(parseTimestamp(text)?.toISOString(), text);
    }
    assert.equal(
      parseTimestamp('2024-02-29T00:00:00.000Z')?.toISOString(),
      '2024-02-29T00:00:00.000Z',
    );
    for (const text of [
      '2023-02-29T00:00:00.000Z',
      '2024-02-30T00:00:00.000Z',
      '2024-04-31T00:00:00.000Z',
      '2024-01-00T00:00:00.000Z',
      '2024-13-01T00:00:00.000Z',
      '2024-01-01T00:60:00.000Z',
    ]) {
      assert.equal(parseTimestamp(text), null, text);
    }
  });
});

describe('eventKey', () => {
  it('is the first 8 bytes of SHA-256(account, NUL, event_id), signed: the keys stored so far', () => {
    for (const [account, id] of [
      ['acc', 'e-1'],
      ['demo', 'ünïcødé 😀'],
      ['', ''],
      ['a', `b${'c'.repeat(5000)}`],
    ] as const) {
      const stored = createHash('sha256')
        .update(account)
        .update('\0')
        .update(id)
        .digest()
        .readBigInt64BE(0);
      assert.equal(eventKey(account, id), stored, `${account} ${id.slice(0, 20)}`);
    }
    assert.equal(eventKey('acc', 'e-1'), -364311827440048071n);
  });
});

describe('anonymizeIp', () => {
  it('zeroes the last IPv4 octet and the last 80 IPv6 bits', () => {
    assert.equal(anonymizeIp('203.0.113.77'), '203.0.113.0');
    assert.equal(anonymizeIp('::ffff:198.51.100.9'), '198.51.100.0');
    assert.equal(anonymizeIp('2001:db8:85a3:8d3:1319:8a2e:370:7348'), '2001:db8:85a3::');
    assert.equal(anonymizeIp('not-an-ip'), null);
  });
});
