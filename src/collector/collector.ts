/**
 * The collector service: decode → limit → normalise → write durably (group commit) → count.
 * The HTTP route and `cuepoint import` both come through here, so an event is judged the same way
 * whichever door it used.
 */
import type { WriterPrincipal } from '../auth/principal.js';
import type { Config } from '../config.js';
import { AppError } from '../domain/errors.js';
import { normalizeEvent, type RequestFacts, type TimeRules } from '../domain/events/normalize.js';
import type { NewEvent } from '../domain/events/stored-event.js';
import type { Store } from '../store/store.js';
import { LineError, decodeBody } from './body.js';
import { requestFacts, type RequestMeta } from './enrich.js';
import { GroupCommitter } from './group-commit.js';
import { KeyRateLimiter } from './rate.js';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { index: number; reason: string }[];
}

export interface CollectRequest extends RequestMeta {
  body: Buffer;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  writer: WriterPrincipal;
}

export interface Collector {
  /** One POST /v1/events. Throws AppError 400/413/415/429 for the whole request. */
  collect(request: CollectRequest): Promise<IngestResult>;
  /**
   * Events from another system (`cuepoint import`, demo data): same normalisation and storage,
   * any age accepted, no per-key rate. `firstIndex` numbers rejections across chunks of one file.
   */
  importEvents(
    accountId: string,
    items: readonly unknown[],
    firstIndex?: number,
  ): Promise<IngestResult>;
  /** Resolves when every event submitted so far is durable. */
  flushed(): Promise<void>;
  /** Where the collector's time went so far (benchmarks print it). */
  stats(): CollectorStats;
}

export interface CollectorStats {
  requests: number;
  events: number;
  /** Main-thread milliseconds spent decoding bodies and normalising events. */
  decodeMs: number;
  normalizeMs: number;
  /** Commit groups written, and their wall-clock milliseconds (appender, query, fsync). */
  groups: number;
  storeMs: number;
}

export function createCollector(store: Store, config: Config): Collector {
  const stats: CollectorStats = {
    requests: 0,
    events: 0,
    decodeMs: 0,
    normalizeMs: 0,
    groups: 0,
    storeMs: 0,
  };
  const committer = new GroupCommitter(store.events, (ms) => {
    stats.groups++;
    stats.storeMs += ms;
  });
  const limiter = new KeyRateLimiter(config.eventsPerSecondPerKey);
  const liveRules: TimeRules = {
    futureSkewMs: config.futureSkewSeconds * 1000,
    maxLatenessMs: config.maxLatenessSeconds * 1000,
  };
  const importRules: TimeRules = { futureSkewMs: liveRules.futureSkewMs, maxLatenessMs: null };

  async function ingest(
    items: readonly unknown[],
    facts: RequestFacts,
    rules: TimeRules,
    firstIndex = 0,
  ) {
    const rejected: IngestResult['rejected'] = [];
    const kept: NewEvent[] = [];
    const t0 = performance.now();
    items.forEach((item, index) => {
      if (item instanceof LineError)
        return void rejected.push({ index: firstIndex + index, reason: item.reason });
      const result = normalizeEvent(item, facts, rules);
      if (result.ok) kept.push(result.event);
      else rejected.push({ index: firstIndex + index, reason: result.reason });
    });
    stats.normalizeMs += performance.now() - t0;
    stats.events += items.length;
    const duplicates = await committer.submit(kept);
    return { accepted: kept.length - duplicates.length, duplicates: duplicates.length, rejected };
  }

  return {
    async collect(request) {
      const t0 = performance.now();
      const { items } = decodeBody(
        request.body,
        request.contentType,
        request.contentEncoding,
        config.maxBodyBytes,
      );
      stats.decodeMs += performance.now() - t0;
      stats.requests++;
      if (items.length > config.maxEventsPerRequest) {
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `${items.length} events in one request; at most ${config.maxEventsPerRequest} are accepted`,
          { field: 'body' },
        );
      }
      const wait = limiter.take(request.writer.key_id, items.length);
      if (wait > 0) {
        throw new AppError(
          'TOO_MANY_REQUESTS',
          `this write key is over ${config.eventsPerSecondPerKey} events a second`,
          {
            retryAfter: wait,
          },
        );
      }
      const facts = requestFacts(
        request.writer.account_id,
        request,
        config.anonymizeIp,
        new Date(),
      );
      return ingest(items, facts, liveRules);
    },
    importEvents(accountId, items, firstIndex = 0) {
      const facts = requestFacts(accountId, {}, config.anonymizeIp, new Date());
      return ingest(items, facts, importRules, firstIndex);
    },
    flushed: () => committer.flushed(),
    stats: () => ({ ...stats }),
  };
}
