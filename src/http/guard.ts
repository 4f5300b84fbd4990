/**
 * The request guard every reading route uses: authenticate (bearer token, reporting key in
 * `Authorization: Bearer` or legacy `X-Hapyak-API-Key`), then check the account and the scope.
 * 401 comes from the authenticator; 403 is the same whether or not the account exists.
 */
import type { FastifyRequest } from 'fastify';
import type { ReaderPrincipal } from '../auth/principal.js';
import { AppError } from '../domain/errors.js';
import { grants, type Need } from '../domain/scopes.js';
import type { AppContext } from './context.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Authenticates the caller without checking an account (e.g. GET /v1/me). */
export function authenticate(ctx: AppContext, request: FastifyRequest): Promise<ReaderPrincipal> {
  return ctx.auth.reader({
    authorization: header(request, 'authorization'),
    hapyakKey: header(request, 'x-hapyak-api-key'),
  });
}

/** Authenticates and checks that the caller may do `need` on `accountId`. */
export async function authorize(
  ctx: AppContext,
  request: FastifyRequest,
  need: Need,
  accountId: string,
): Promise<ReaderPrincipal> {
  const principal = await authenticate(ctx, request);
  if (!principal.accounts.includes(accountId) || !grants(principal.scopes, need)) {
    throw new AppError('ACCESS_DENIED', 'this credential may not do that on this account');
  }
  return principal;
}
