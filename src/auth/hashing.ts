/**
 * Salted slow hashes for client secrets and API keys (auth.md §1): scrypt, stored in a
 * self-describing form `scrypt$N$r$p$salt$hash` so that the cost can be raised later without
 * breaking stored hashes. Comparison is constant-time, and a check against no stored hash at all
 * costs the same as a real one, so response time does not tell whether a client or key exists.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/** ~60 ms on a 2-core machine: cheap for one login, ruinous for guessing. */
const DEFAULT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Stored parameters above these are refused rather than allowed to exhaust memory or CPU. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(secret: string, salt: Buffer, params: ScryptParams, length: number) {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // Node refuses by default above 32 MiB; allow what these parameters need (128·N·r) plus slack.
    maxmem: 128 * params.N * params.r + 1024 * 1024,
  };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** Hashes a secret with a fresh random salt. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, DEFAULT_PARAMS, HASH_BYTES);
  const { N, r, p } = DEFAULT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

function isPositiveInt(value: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= 1 && value <= max;
}

/** Parses a stored hash; null when it is not one of ours or its parameters are out of bounds. */
export function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!isPositiveInt(N, MAX_N) || (N & (N - 1)) !== 0 || N < 2) return null;
  if (!isPositiveInt(r, MAX_R) || !isPositiveInt(p, MAX_P)) return null;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const hash = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length === 0 || hash.length === 0) return null;
  return { N, r, p, salt, hash };
}

let dummy: Promise<ParsedHash> | undefined;

/** A throw-away hash with the default parameters, made once, to verify against when there is none. */
function dummyHash(): Promise<ParsedHash> {
  dummy ??= hashSecret(randomBytes(32).toString('base64url')).then((stored) => {
    const parsed = parseHash(stored);
    if (!parsed) throw new Error('hashSecret produced an unparsable hash');
    return parsed;
  });
  return dummy;
}

/**
 * Whether `secret` matches `stored`. With no stored hash (unknown client or key) or a malformed
 * one, the same work is done against a throw-away hash and the answer is false.
 */
export async function verifySecret(secret: string, stored: string | null): Promise<boolean> {
  const parsed = stored === null ? null : parseHash(stored);
  const target = parsed ?? (await dummyHash());
  const actual = await derive(secret, target.salt, target, target.hash.length);
  return timingSafeEqual(actual, target.hash) && parsed !== null;
}

/**
 * Remembers successful verifications, because scrypt costs tens of milliseconds and a write
 * key may be presented many times a second. Entries are keyed by a SHA-256 of the stored hash and
 * the presented secret together, so a hit can only repeat a success already computed for exactly
 * that pair; the secret itself is never kept. Oldest entries are dropped beyond `maxEntries`.
 * Concurrent checks of the same pair share one computation.
 */
export class VerifyCache {
  private readonly entries = new Map<string, Promise<boolean>>();

  constructor(private readonly maxEntries = 10_000) {}

  verify(secret: string, stored: string): Promise<boolean> {
    const key = createHash('sha256').update(stored).update('\n').update(secret).digest('base64url');
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its place so that frequently used keys stay.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const result = verifySecret(secret, stored);
    this.entries.set(key, result);
    // Only successes are kept: a wrong guess must never become cheap to repeat or crowd out keys.
    const drop = () => {
      if (this.entries.get(key) === result) this.entries.delete(key);
    };
    result.then((ok) => ok || drop(), drop);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return result;
  }

  get size(): number {
    return this.entries.size;
  }
}
