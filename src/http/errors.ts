/**
 * Error mapping, in one place. Three body styles, because the contract has three families:
 * - gateway/engagement/collector: Brightcove's `[{"error_code","message"}]` (reporting-api.md §4);
 * - catalog and analytics: `{"result": "message"}` for 400 and 503, `{"result":{"message"}}` otherwise;
 * - the token endpoint: RFC 6749 `{"error","error_description"}` (built by its route).
 * Unknown errors become a 500 whose message carries the request ID, never a stack or SQL.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../domain/errors.js';

export type ErrorStyle = 'gateway' | 'result';

const GATEWAY_CODES = new Set<ErrorCode>([
  'UNAUTHORIZED',
  'ACCESS_DENIED',
  'TOO_MANY_REQUESTS',
  'METHOD_NOT_ALLOWED',
]);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which error body this route's failures use; default 'gateway'. */
    errorStyle?: ErrorStyle;
  }
}

/** Turns Fastify's own errors (body parsing, size) into AppErrors; passes AppErrors through. */
export function toAppError(error: unknown, requestId: string): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'the body is larger than the limit', {
        field: 'body',
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type', {
        field: 'content-type',
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BAD_REQUEST', 'the body is not valid JSON', { field: 'body' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST', 'Content-Length does not match the body', {
        field: 'body',
      });
  }
  if (fastifyError.statusCode === 400 && fastifyError.message) {
    return new AppError('BAD_REQUEST', fastifyError.message);
  }
  return new AppError('SERVER_ERROR', `internal error (request ${requestId})`);
}

export function sendError(
  error: AppError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error.retryAfter !== undefined)
    reply.header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfter))));
  // Authentication, scope, rate limits and wrong methods are the gateway's, whatever the route.
  const style = GATEWAY_CODES.has(error.code)
    ? 'gateway'
    : (request.routeOptions.config?.errorStyle ?? 'gateway');
  reply.status(error.status);
  if (style === 'result') {
    return reply.send(
      error.status === 400 || error.status === 503
        ? { result: error.message }
        : { result: { message: error.message } },
    );
  }
  return reply.send([{ error_code: error.code, message: error.message }]);
}
