/**
 * The token endpoint (auth.md §2) and `GET /v1/me` (auth.md §3). The token endpoint takes its
 * parameters wherever real OAuth clients put them — form body, JSON body, query string, HTTP
 * Basic — and answers failures in RFC 6749's `{"error","error_description"}`, including failures
 * of body parsing, so a client library never meets the gateway's error array here.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../../auth/oauth-error.js';
import type { TokenRequest } from '../../auth/service.js';
import type { AppContext } from '../context.js';
import { toAppError } from '../errors.js';
import { authenticate } from '../guard.js';
import { gatewayError, type OpenApiPaths } from '../openapi.js';

const TOKEN_PATHS = ['/v4/access_token', '/v3/access_token'] as const;
const PARAMETERS = ['grant_type', 'client_id', 'client_secret', 'scope'] as const;
type Parameter = (typeof PARAMETERS)[number];

/** Form fields as given: a name sent twice keeps both values, so it can be refused. */
function parseForm(body: string): Record<string, string[]> {
  // A Map, then fromEntries: a field named __proto__ stays a plain field.
  const fields = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body)) {
    fields.set(name, [...(fields.get(name) ?? []), value]);
  }
  return Object.fromEntries(fields);
}

/** The values a source gives for `name`; a source that is not an object gives none. */
function valuesIn(source: unknown, name: Parameter): unknown[] {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return [];
  const value: unknown = (source as Record<string, unknown>)[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** One parameter from the body and the query string together; given twice it is refused (RFC 6749 §3.2). */
function parameter(request: FastifyRequest, name: Parameter): string | undefined {
  const values = [...valuesIn(request.body, name), ...valuesIn(request.query, name)];
  for (const value of values) {
    if (typeof value !== 'string')
      throw new OAuthError('invalid_request', `${name} must be a string`);
  }
  if (new Set(values).size > 1) {
    throw new OAuthError('invalid_request', `${name} is given more than once`);
  }
  const value = values[0];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

/** `Authorization: Basic base64(id:secret)`, each part form-encoded (RFC 6749 §2.3.1). */
function basicCredentials(request: FastifyRequest): BasicCredentials | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Basic +(\S*) *$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) {
    throw new OAuthError(
      'invalid_client',
      'the Authorization header must be Basic base64(client_id:client_secret)',
      { basic: true },
    );
  }
  const unescape = (part: string) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return part;
    }
  };
  return {
    clientId: unescape(decoded.slice(0, colon)),
    clientSecret: unescape(decoded.slice(colon + 1)),
  };
}

function tokenRequest(request: FastifyRequest): TokenRequest {
  const basic = basicCredentials(request);
  const clientId = parameter(request, 'client_id');
  const clientSecret = parameter(request, 'client_secret');
  if (
    basic &&
    (clientSecret !== undefined || (clientId !== undefined && clientId !== basic.clientId))
  ) {
    throw new OAuthError(
      'invalid_request',
      'send the client credentials one way: HTTP Basic or client_id/client_secret parameters',
    );
  }
  return {
    grantType: parameter(request, 'grant_type'),
    clientId: basic?.clientId ?? clientId,
    clientSecret: basic?.clientSecret ?? clientSecret,
    scope: parameter(request, 'scope'),
    basic: basic !== undefined,
    address: request.ip,
  };
}

function sendOAuthError(error: OAuthError, reply: FastifyReply): FastifyReply {
  reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
  if (error.status === 401 && error.basic) {
    reply.header('WWW-Authenticate', 'Basic realm="cuepoint", charset="UTF-8"');
  }
  if (error.retryAfter !== undefined) reply.header('Retry-After', String(error.retryAfter));
  return reply.status(error.status).send(error.toJSON());
}

/** Body-parsing and other failures before or around the handler, in the endpoint's own style. */
function asOAuthError(error: unknown, request: FastifyRequest): OAuthError {
  if (error instanceof OAuthError) return error;
  const appError = toAppError(error, request.id);
  if (appError.status >= 500) return new OAuthError('server_error', appError.message);
  if (appError.code === 'UNSUPPORTED_MEDIA_TYPE') {
    return new OAuthError(
      'invalid_request',
      'the body must be application/x-www-form-urlencoded or application/json',
    );
  }
  return new OAuthError('invalid_request', appError.message);
}

export function tokenRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Encapsulated so that the form parser and the error style apply to the token endpoint only.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, parseForm(String(body))),
    );
    scope.setErrorHandler((error, request, reply) => {
      const oauthError = asOAuthError(error, request);
      if (oauthError.status >= 500) request.log.error({ err: error }, 'token request failed');
      return sendOAuthError(oauthError, reply);
    });
    for (const path of TOKEN_PATHS) {
      scope.post(path, async (request, reply) => {
        const token = await ctx.auth.issueToken(tokenRequest(request));
        reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
        return token;
      });
    }
  });

  app.get('/v1/me', async (request, reply) => {
    const principal = await authenticate(ctx, request);
    reply.header('Cache-Control', 'no-store');
    return { type: principal.type, accounts: principal.accounts, scopes: principal.scopes };
  });
}

const oauthErrorBody = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: { error: { type: 'string' }, error_description: { type: 'string' } },
        required: ['error', 'error_description'],
      },
    },
  },
});

const credentialProperties = {
  grant_type: { type: 'string', enum: ['client_credentials'] },
  client_id: { type: 'string', description: 'unless sent with HTTP Basic' },
  client_secret: { type: 'string', description: 'unless sent with HTTP Basic' },
  scope: { type: 'string', description: 'space-separated subset of the credential’s scopes' },
};

const tokenOperation = {
  post: {
    summary: 'Get an access token (OAuth 2 client credentials)',
    description:
      'Client credentials by HTTP Basic, or client_id/client_secret in the form body, a JSON body or the query string. grant_type=client_credentials in any of them. Repeated failures for one client_id or address are refused with 429 for a while.',
    security: [{ basic: [] }, {}],
    parameters: PARAMETERS.map((name) => ({
      name,
      in: 'query',
      required: false,
      schema: { type: 'string' },
    })),
    requestBody: {
      required: false,
      content: {
        'application/x-www-form-urlencoded': {
          schema: { type: 'object', properties: credentialProperties },
        },
        'application/json': { schema: { type: 'object', properties: credentialProperties } },
      },
    },
    responses: {
      '200': {
        description: 'A token; `Cache-Control: no-store`',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                access_token: { type: 'string' },
                token_type: { type: 'string', enum: ['Bearer'] },
                expires_in: { type: 'integer', example: 300 },
              },
              required: ['access_token', 'token_type', 'expires_in'],
            },
          },
        },
      },
      '400': oauthErrorBody('invalid_request, unsupported_grant_type or invalid_scope'),
      '401': oauthErrorBody(
        'invalid_client; `WWW-Authenticate: Basic` when Basic authentication was used',
      ),
      '429': oauthErrorBody('too_many_requests after repeated failures; `Retry-After` set'),
    },
  },
};

export const tokenOpenApi: OpenApiPaths = {
  '/v4/access_token': tokenOperation,
  '/v3/access_token': tokenOperation,
  '/v1/me': {
    get: {
      summary: 'What the presented credential may reach',
      security: [{ bearer: [] }, { hapyakKey: [] }],
      responses: {
        '200': {
          description: 'The credential’s kind, accounts and scopes',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  type: { type: 'string', enum: ['token', 'reporting_key'] },
                  accounts: { type: 'array', items: { type: 'string' } },
                  scopes: { type: 'array', items: { type: 'string' } },
                },
                required: ['type', 'accounts', 'scopes'],
              },
            },
          },
        },
        '401': gatewayError('No credential, or a malformed, unknown, expired or revoked one'),
        '403': gatewayError('An unknown X-Hapyak-API-Key'),
      },
    },
  },
};
