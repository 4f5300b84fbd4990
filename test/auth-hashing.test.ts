/** Unit tests of the secret hashing, key formats, verification cache and state cache. */
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashSecret, parseHash, verifySecret, VerifyCache } from '../src/auth/hashing.js';
import { newApiKey, newClientId, parseApiKey, randomSecret } from '../src/auth/key-format.js';
import { StateCache } from '../src/auth/state-cache.js';

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

describe('hashSecret / verifySecret', () => {
  it('writes a self-describing scrypt hash with a fresh salt each time', async () => {
    const a = await hashSecret('s3cret');
    const b = await hashSecret('s3cret');
    assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
    assert.ok(!a.includes('s3cret'));
    assert.deepEqual(
      { N: parseHash(a)?.N, r: parseHash(a)?.r, p: parseHash(a)?.p },
      { N: 32768, r: 8, p: 1 },
    );
  });

  it('verifies the right secret and refuses a wrong one', async () => {
    const stored = await hashSecret('right');
    assert.equal(await verifySecret('right', stored), true);
    assert.equal(await verifySecret('wrong', stored), false);
    assert.equal(await verifySecret('righ', stored), false);
    assert.equal(await verifySecret('', stored), false);
  });

  it('reads the parameters from the stored hash (older or other costs still verify)', async () => {
    const salt = randomBytes(16);
    const hash = scryptSync('old', salt, 24, { N: 1024, r: 4, p: 2 });
    const stored = `scrypt$1024$4$2$${salt.toString('base64url')}$${hash.toString('base64url')}`;
    assert.equal(await verifySecret('old', stored), true);
    assert.equal(await verifySecret('new', stored), false);
  });

  it('refuses malformed or out-of-bounds hashes without throwing', async () => {
    for (const stored of [
      '',
      'plain',
      'bcrypt$1$2$3$4$5',
      'scrypt$1000$8$1$c2FsdA$aGFzaA',
      `scrypt$${2 ** 22}$8$1$c2FsdA$aGFzaA`,
      'scrypt$1024$8$1$$aGFzaA',
    ]) {
      assert.equal(parseHash(stored), null, stored);
      assert.equal(await verifySecret('x', stored), false, stored);
    }
  });

  it('takes the slow path even with no stored hash, so timing does not tell what exists', async () => {
    const stored = await hashSecret('right');
    await verifySecret('warm-up', null);
    const [, real] = await timed(() => verifySecret('wrong', stored));
    const [ok, none] = await timed(() => verifySecret('wrong', null));
    assert.equal(ok, false);
    // Both run one scrypt of the default cost; allow generous noise on a shared machine.
    assert.ok(none > real * 0.3, `no-hash check took ${none} ms, a real one ${real} ms`);
  });

  it('compares a derived key of another length as a mismatch, not an error', async () => {
    const stored = await hashSecret('right');
    const parts = stored.split('$');
    parts[5] = Buffer.from(parts[5] ?? '', 'base64url')
      .subarray(0, 16)
      .toString('base64url');
    assert.equal(await verifySecret('right', parts.join('$')), true);
    assert.equal(await verifySecret('wrong', parts.join('$')), false);
  });
});

describe('VerifyCache', () => {
  it('answers a repeated success without hashing again, and keeps no failure', async () => {
    const cache = new VerifyCache();
    const stored = await hashSecret('right');
    const [first, slow] = await timed(() => cache.verify('right', stored));
    const [second, fast] = await timed(() => cache.verify('right', stored));
    assert.deepEqual([first, second], [true, true]);
    assert.ok(fast < slow / 4, `cached ${fast} ms vs ${slow} ms`);
    assert.equal(await cache.verify('wrong', stored), false);
    assert.equal(cache.size, 1);
  });

  it('never answers a cached success for another stored hash', async () => {
    const cache = new VerifyCache();
    const one = await hashSecret('right');
    const other = await hashSecret('other');
    assert.equal(await cache.verify('right', one), true);
    assert.equal(await cache.verify('right', other), false);
  });

  it('is bounded', async () => {
    const cache = new VerifyCache(2);
    const stored = await Promise.all(['a', 'b', 'c'].map((s) => hashSecret(s)));
    await Promise.all(['a', 'b', 'c'].map((s, i) => cache.verify(s, stored[i] ?? '')));
    assert.equal(cache.size, 2);
  });
});

describe('key formats', () => {
  it('embeds the key ID and the type, and parses back', () => {
    for (const type of ['write', 'reporting'] as const) {
      const made = newApiKey(type);
      assert.match(made.key, type === 'write' ? /^cpw_[a-z0-9]{16}_/ : /^cpr_[a-z0-9]{16}_/);
      assert.deepEqual(parseApiKey(made.key), { type, keyId: made.keyId, secret: made.secret });
    }
  });

  it('keeps a secret containing "_" whole', () => {
    const secret = 'a_b-c_'.padEnd(43, 'x');
    assert.deepEqual(parseApiKey(`cpr_abcdefghij012345_${secret}`), {
      type: 'reporting',
      keyId: 'abcdefghij012345',
      secret,
    });
  });

  it('refuses what is not a key', () => {
    for (const text of ['', 'cpw_', 'cpx_abcdefghij012345_' + 'x'.repeat(43), 'eyJ.a.b']) {
      assert.equal(parseApiKey(text), null, text);
    }
    assert.equal(parseApiKey(newApiKey('write').key + 'x'), null);
  });

  it('makes client IDs of 24 characters and secrets of 32 random bytes', () => {
    assert.match(newClientId(), /^[a-z0-9]{24}$/);
    assert.equal(Buffer.from(randomSecret(), 'base64url').length, 32);
    assert.notEqual(randomSecret(), randomSecret());
  });
});

describe('StateCache', () => {
  it('serves a value for at most its lifetime, and forgets on demand', async () => {
    let now = 0;
    let loads = 0;
    const cache = new StateCache(
      async (id: string) => `${id}:${++loads}`,
      1000,
      10,
      () => now,
    );
    assert.equal(await cache.get('a'), 'a:1');
    now = 999;
    assert.equal(await cache.get('a'), 'a:1');
    now = 1000;
    assert.equal(await cache.get('a'), 'a:2');
    cache.forget('a');
    assert.equal(await cache.get('a'), 'a:3');
  });

  it('does not remember a failed load', async () => {
    let fail = true;
    const cache = new StateCache(async () => {
      if (fail) throw new Error('store down');
      return 'ok';
    });
    await assert.rejects(cache.get('a'), /store down/);
    fail = false;
    assert.equal(await cache.get('a'), 'ok');
  });
});
