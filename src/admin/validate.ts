/**
 * Validation of the admin operations' arguments. They arrive typed from the CLI but as plain JSON
 * through the server's admin socket, so each operation checks them once, here, and a failure is
 * a BAD_REQUEST naming the argument (as the CLI spells it) and the form it accepts.
 */
import { z } from 'zod';
import { badRequest, listAccepted } from '../domain/errors.js';
import { SCOPES } from '../domain/scopes.js';
import { KEY_TYPES, type RateLimits } from '../store/store.js';

export const LIMITS_FORM = 'three whole numbers minute/hour/day, e.g. 4/20/100';
const MAX_LIMIT = 1_000_000;

const accountId = z
  .string({ error: 'account ID must be a string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, {
    error:
      'account ID must be 1 to 64 letters, digits, "-" or "_", starting with a letter or digit',
  });

const name = z
  .string({ error: 'name must be a string' })
  .trim()
  .min(1, { error: 'name must not be empty' })
  .max(200, { error: 'name must be at most 200 characters' });

const limit = z
  .number({ error: `limits must be ${LIMITS_FORM}` })
  .int({ error: `limits must be ${LIMITS_FORM}` })
  .min(0, { error: `limits must be ${LIMITS_FORM}` })
  .max(MAX_LIMIT, { error: `limits must be at most ${MAX_LIMIT} each` });

const limits = z.object(
  { minute: limit, hour: limit, day: limit },
  { error: `limits must be ${LIMITS_FORM}` },
);

const scope = z.enum(SCOPES, { error: `scope must be ${listAccepted(SCOPES)}` });

const origin = z.string({ error: 'origin must be a string' }).transform((value, ctx) => {
  const message = `origin must be an http(s) origin such as https://example.com, not "${value}"`;
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== 'null') {
      return url.origin;
    }
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
});

const publicId = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty` })
    .max(200, { error: `${what} is too long` });

export const schemas = {
  accountId,
  createAccount: z.object({
    id: accountId.optional(),
    name: name.optional(),
    limits: limits.optional(),
  }),
  updateAccount: z.object({ name: name.optional(), limits: limits.optional() }),
  createCredential: z.object({
    accounts: z
      .array(accountId, { error: 'accounts must be a list of account IDs' })
      .min(1, { error: 'at least one account is required (--account ID)' }),
    scopes: z.array(scope, { error: 'scopes must be a list' }).optional(),
  }),
  listFilter: z.object({ account: accountId.optional() }).optional(),
  createKey: z.object({
    account: accountId,
    type: z.enum(KEY_TYPES, { error: `type must be ${listAccepted(KEY_TYPES)}` }),
    origins: z.array(origin, { error: 'origins must be a list' }).optional(),
  }),
  clientId: publicId('client ID'),
  keyId: publicId('key ID'),
  importItems: z.array(z.unknown(), { error: 'events must be a list' }),
  firstIndex: z.number().int().min(0).optional(),
};

/** What the CLI calls each argument (a flag or a positional), for messages and `field`. */
const FIELD_NAMES = new Map([
  ['accounts', 'account'],
  ['scopes', 'scope'],
  ['origins', 'origin'],
]);

/** Parses one argument; throws BAD_REQUEST naming the field at fault. */
export function parseArg<S extends z.ZodType>(
  schema: S,
  value: unknown,
  field: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = typeof issue?.path[0] === 'string' ? issue.path[0] : field;
  throw badRequest(FIELD_NAMES.get(key) ?? key, issue?.message ?? `${field} is not valid`);
}

/** `--limits M/H/D` as typed on the command line. */
export function parseLimits(text: string): RateLimits {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw badRequest('limits', `--limits must be ${LIMITS_FORM}, not "${text}"`);
  const [minute, hour, day] = match.slice(1, 4).map(Number) as [number, number, number];
  return parseArg(limits, { minute, hour, day }, 'limits');
}
