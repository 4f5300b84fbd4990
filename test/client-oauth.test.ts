/**
 * The token endpoint and the SDK are symmetrical (style.md §6): every RFC 6749 error code — and
 * every code Cuepoint's own endpoint can send — maps to one typed error, pinned here in one table.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAUTH_ERROR_STATUS } from '../src/auth/oauth-error.js';
import {
  AuthError,
  createClient,
  OAUTH_ERROR_CLASSES,
  RateLimitError,
  ServerError,
  ValidationError,
  type CuepointError,
} from '../src/client/index.js';
import { json, startFakeBrightcove, type FakeBrightcove } from './helpers/fake-brightcove.js';
import { setupAccount, type TestAccount } from './helpers/accounts.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** code → [HTTP status a token service sends it with, the error the SDK throws]. */
const PINNED: Record<string, [number, typeof CuepointError]> = {
  invalid_request: [400, ValidationError],
  invalid_client: [401, AuthError],
  invalid_grant: [400, AuthError],
  unauthorized_client: [400, AuthError],
  unsupported_grant_type: [400, ValidationError],
  invalid_scope: [400, AuthError],
  access_denied: [403, AuthError],
  unsupported_response_type: [400, ValidationError],
  server_error: [500, ServerError],
  temporarily_unavailable: [503, ServerError],
  too_many_requests: [429, RateLimitError],
};

describe('RFC 6749 error codes → typed errors', () => {
  let fake: FakeBrightcove;
  let server: TestServer;
  let account: TestAccount;
  before(async () => {
    fake = await startFakeBrightcove();
    server = await startTestServer();
    account = await setupAccount(server, 'oauth');
  });
  after(async () => {
    await fake.close();
    await server.stop();
  });

  it('pins every code, and covers every code the server sends', async () => {
    assert.deepEqual(Object.keys(OAUTH_ERROR_CLASSES).sort(), Object.keys(PINNED).sort());
    for (const code of Object.keys(OAUTH_ERROR_STATUS)) {
      assert.ok(code in PINNED, `the server sends ${code}; the SDK must map it`);
      assert.equal(
        PINNED[code]?.[0],
        OAUTH_ERROR_STATUS[code as keyof typeof OAUTH_ERROR_STATUS],
        code,
      );
    }
    for (const [code, [status, ErrorClass]] of Object.entries(PINNED)) {
      assert.equal(OAUTH_ERROR_CLASSES[code as keyof typeof OAUTH_ERROR_CLASSES], ErrorClass, code);
      // Over HTTP, from a token service on its own host, with a Retry-After no deadline covers.
      fake.scriptToken((_req, res) =>
        json(
          res,
          status,
          { error: code, error_description: `because ${code}` },
          { 'retry-after': '3600' },
        ),
      );
      const client = createClient({ ...fake.options, initialDelayMs: 1, maxNetworkRetries: 0 });
      await assert.rejects(client.token(), (error: unknown) => {
        assert.ok(
          error instanceof ErrorClass,
          `${code} → ${ErrorClass.name}, got ${String(error)}`,
        );
        assert.equal(error.code, code);
        assert.equal(error.status, status);
        assert.equal(error.message.split(';')[0], `because ${code}`);
        return true;
      });
    }
  });

  it('maps an unknown code by its status', async () => {
    fake.scriptToken((_req, res) => json(res, 403, { error: 'vendor_specific' }));
    await assert.rejects(createClient(fake.options).token(), AuthError);
  });

  it('gets the same classes from the real token endpoint', async () => {
    const base = { engagementUrl: server.url, clientId: account.clientId };
    await assert.rejects(
      createClient({ ...base, clientSecret: 'wrong' }).token(),
      (error: unknown) => {
        assert.ok(error instanceof AuthError);
        assert.equal(error.code, 'invalid_client');
        assert.equal(error.message, 'client authentication failed');
        return true;
      },
    );
    await assert.rejects(
      createClient({
        ...base,
        clientSecret: account.clientSecret,
        scope: 'video-cloud/unknown',
      }).token(),
      (error: unknown) =>
        error instanceof AuthError &&
        error.code === 'invalid_scope' &&
        /unknown/.test(error.message),
    );
    const token = await createClient({ ...base, clientSecret: account.clientSecret }).token();
    assert.equal(token.token_type, 'Bearer');
    assert.equal(token.expires_in, 300);
    assert.match(token.access_token, /\S{20,}/);
  });
});
