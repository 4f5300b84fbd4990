/** Unit tests of token signing/verification and scope narrowing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwt, SignJWT } from 'jose';
import { coversScope } from '../src/auth/token-endpoint.js';
import { createTokenSigner } from '../src/auth/tokens.js';
import { AppError } from '../src/domain/errors.js';

const key = (text: string) => async () => new TextEncoder().encode(text);
const claims = {
  client_id: 'client1',
  accounts: ['a1', 'a2'],
  scopes: ['video-cloud/interactivity/read' as const],
};

function isUnauthorized(pattern: RegExp) {
  return (error: unknown) =>
    error instanceof AppError && error.code === 'UNAUTHORIZED' && pattern.test(error.message);
}

describe('token signer', () => {
  it('signs HS256 tokens naming client, accounts, scopes and expiry', async () => {
    const signer = createTokenSigner({ ttlSeconds: 300, key: key('k'.repeat(32)) });
    const before = Date.now();
    const token = await signer.sign(claims);
    const payload = decodeJwt(token);
    assert.equal(payload.sub, 'client1');
    assert.equal(payload.client_id, 'client1');
    assert.deepEqual(payload.accounts, ['a1', 'a2']);
    assert.equal(payload.scope, 'video-cloud/interactivity/read');
    // exp is whole seconds rounded up: the token lives at least the 300 s it is issued for.
    assert.ok((payload.exp ?? 0) * 1000 >= before + 300_000);
    assert.ok((payload.exp ?? 0) - (payload.iat ?? 0) <= 301);
    const verified = await signer.verify(token);
    assert.deepEqual(verified, { ...claims, exp: payload.exp });
  });

  it('refuses a token of another key, a tampered one, garbage and an expired one', async () => {
    const signer = createTokenSigner({ ttlSeconds: 300, key: key('k'.repeat(32)) });
    const other = createTokenSigner({ ttlSeconds: 300, key: key('o'.repeat(32)) });
    await assert.rejects(signer.verify(await other.sign(claims)), isUnauthorized(/not valid/));
    const [head, , sig] = (await signer.sign(claims)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'x', exp: 9e9 })).toString(
      'base64url',
    );
    await assert.rejects(signer.verify(`${head}.${forged}.${sig}`), isUnauthorized(/not valid/));
    await assert.rejects(signer.verify('not-a-token'), isUnauthorized(/not valid/));
    const expired = await new SignJWT({ client_id: 'c', accounts: [], scope: '' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('cuepoint')
      .setSubject('c')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode('k'.repeat(32)));
    await assert.rejects(signer.verify(expired), isUnauthorized(/expired/));
  });

  it('refuses alg "none"', async () => {
    const signer = createTokenSigner({ ttlSeconds: 300, key: key('k'.repeat(32)) });
    const body = Buffer.from(JSON.stringify({ ...claims, sub: 'c', iss: 'cuepoint', exp: 9e9 }));
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body.toString('base64url')}.`;
    await assert.rejects(signer.verify(none), isUnauthorized(/not valid/));
  });

  it('reads the signing key once, and again after a failure', async () => {
    let reads = 0;
    const signer = createTokenSigner({
      ttlSeconds: 300,
      key: async () => {
        if (++reads === 1) throw new Error('disk');
        return new TextEncoder().encode('k'.repeat(32));
      },
    });
    await assert.rejects(signer.sign(claims), /disk/);
    await signer.sign(claims);
    await signer.sign(claims);
    assert.equal(reads, 2);
  });
});

describe('coversScope', () => {
  it('lets a credential narrow to what its scopes reach, and no further', () => {
    const all = 'video-cloud/interactivity/all';
    const read = 'video-cloud/interactivity/read';
    const analytics = 'video-cloud/analytics/read';
    assert.equal(coversScope([read], read), true);
    assert.equal(coversScope([all], read), true);
    assert.equal(coversScope([all], analytics), true);
    assert.equal(coversScope([read], analytics), true);
    assert.equal(coversScope([read], all), false);
    assert.equal(coversScope([analytics], read), false);
    assert.equal(coversScope([analytics], all), false);
  });
});
