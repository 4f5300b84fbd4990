/**
 * Turns zod's validation issues into the catalog's 400 messages: the field as a path a user can
 * find in their body (`properties.questions[0].answers[1].type`) and what it accepts, in the same
 * words the collector uses ("expected a number, got the string \"ten\"").
 */
import type { z } from 'zod';
import { badRequest, listAccepted, type AppError } from './errors.js';

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
  null: 'null',
};

/** How a received value is named in messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'number') return `the number ${value}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function sizeBound(issue: z.core.$ZodRawIssue, bound: 'at least' | 'at most'): string {
  const limit = Number(bound === 'at least' ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case 'string':
      return limit === 1 && bound === 'at least'
        ? 'must not be empty'
        : `must be ${bound} ${plural(limit, 'character')}`;
    case 'array':
    case 'set':
      return `must have ${bound} ${plural(limit, 'item')}`;
    default:
      if (issue.inclusive === false)
        return `must be ${bound === 'at least' ? 'greater' : 'less'} than ${limit}`;
      return `must be ${bound} ${limit}`;
  }
}

/** The message (without the field) for one issue; pass as zod's `error` option when parsing. */
export function describeIssue(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = NOUNS[String(issue.expected)] ?? String(issue.expected);
      if (issue.input === undefined) return `required (${expected})`;
      return `expected ${expected}, got ${kindOf(issue.input)}`;
    }
    case 'invalid_value': {
      const accepted = listAccepted(issue.values.map(String));
      if (issue.input === undefined) return `required (${accepted})`;
      return `expected ${accepted}, got ${kindOf(issue.input)}`;
    }
    case 'invalid_union': {
      // A discriminated union whose discriminator matched nothing: name the accepted values.
      const options = (issue as { options?: unknown[] }).options;
      if (!Array.isArray(options)) return 'does not match any accepted form';
      const at = issue.path?.[issue.path.length - 1];
      const given = isRecord(issue.input) && typeof at === 'string' ? issue.input[at] : undefined;
      return given === undefined
        ? `required (${listAccepted(options.map(String))})`
        : `expected ${listAccepted(options.map(String))}, got ${kindOf(given)}`;
    }
    case 'too_small':
      return sizeBound(issue, 'at least');
    case 'too_big':
      return sizeBound(issue, 'at most');
    case 'unrecognized_keys':
      return 'unknown field';
    case 'invalid_format':
      return `expected the ${String(issue.format)} format`;
    default:
      return issue.message ?? 'not valid';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `a.b[0].c` from a zod path; `root` for the value itself. */
export function fieldPath(path: readonly PropertyKey[], root: string): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? root : text;
}

/** The first issue of a failed parse as a 400 naming its field. */
export function issueToError(
  error: z.ZodError,
  root: string,
  prefix: readonly PropertyKey[] = [],
): AppError {
  const issue = error.issues[0];
  if (!issue) return badRequest(root, `${root}: not valid`);
  const path = [...prefix, ...issue.path];
  // An unknown key is reported on its object; the field at fault is the key itself.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const field = fieldPath(path, root);
  return badRequest(field, `${field}: ${issue.message}`);
}
