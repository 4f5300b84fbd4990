/**
 * The catalog's bodies (catalog.md), as zod schemas: what a POST or PATCH of a project, an
 * annotation or an experience accepts, and the per-type shape of an annotation's `properties`.
 * Pure; the service parses with them and builds the stored objects.
 *
 * Top-level fields are strict (a misspelt field is a 400, not silently dropped), except the
 * server-owned ones (`account_id`, `created_at`, …), which are accepted and ignored so that a
 * client may send back an object it has read. `properties` keep fields we do not know: players
 * carry many more than the reports need.
 */
import { z } from 'zod';
import {
  ANNOTATION_TYPES,
  EXPERIENCE_TYPES,
  POLL_TYPES,
  type AnnotationType,
} from './catalog-types.js';
import { describeIssue, issueToError } from './catalog-issues.js';

export const CATALOG_LIMITS = {
  idLength: 200,
  titleLength: 1000,
  tags: 100,
  tagLength: 100,
  playlist: 1000,
} as const;

export const QUIZ_ANSWER_TYPES = ['choice', 'text-choice'] as const;

/** Reports list IDs and tags joined by "," or "|" (details.md §1), so neither may hold them. */
const NO_SEPARATORS = /^[^,|]*$/;
const separatorsError = { error: 'must not contain "," or "|"' };

export const catalogId = z
  .string()
  .min(1)
  .max(CATALOG_LIMITS.idLength)
  .regex(NO_SEPARATORS, separatorsError);

/** `GET …/projects/counts` is the count, so no project or experience can be called that. */
const listedId = catalogId.refine((id) => id !== 'counts', {
  error: '"counts" is reserved (GET …/counts answers the count)',
});

const title = z.string().min(1).max(CATALOG_LIMITS.titleLength);
const text = z.string().max(CATALOG_LIMITS.titleLength);
const reference = z.string().max(CATALOG_LIMITS.idLength).nullable();

const tag = z.string().min(1).max(CATALOG_LIMITS.tagLength).regex(NO_SEPARATORS, separatorsError);
/** A set in meaning: repeats are dropped, the first spelling's order kept. */
const tags = z
  .array(tag)
  .max(CATALOG_LIMITS.tags)
  .transform((list) => [...new Set(list)]);

/** Accepted and ignored: a client may send back what it read. */
const serverOwned = {
  account_id: z.unknown().optional(),
  created_at: z.unknown().optional(),
  updated_at: z.unknown().optional(),
};

export const projectBody = z.strictObject({
  id: listedId.optional(),
  title,
  video_id: reference.optional(),
  video_source_id: reference.optional(),
  video_duration: z
    .number()
    .positive({ error: 'must be a number of seconds greater than 0, or null' })
    .nullable()
    .optional(),
  tags: tags.optional(),
  ...serverOwned,
});
export const projectPatch = projectBody.partial();

const seconds = z.strictObject({ value: z.number().min(0), units: z.literal('seconds') });
const percent = z.strictObject({
  value: z.number().min(0).max(100),
  units: z.literal('percent'),
});
const infinite = z
  .strictObject({ value: z.null().optional(), units: z.literal('infinite') })
  .transform(() => ({ value: null, units: 'infinite' as const }));

export const startTime = z.discriminatedUnion('units', [seconds, percent]);
export const duration = z.discriminatedUnion('units', [seconds, percent, infinite]);

export const annotationBody = z.strictObject({
  id: catalogId.optional(),
  type: z.enum(ANNOTATION_TYPES),
  title: text.nullable().optional(),
  start_time: startTime.nullable().optional(),
  duration: duration.nullable().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  project_id: z.unknown().optional(),
  ...serverOwned,
});
export const annotationPatch = annotationBody.partial();

const quizAnswer = z.looseObject({
  text: z.string().min(1),
  type: z.enum(QUIZ_ANSWER_TYPES),
  correct: z.boolean(),
});

/** Reports identify a question by its text and match answers after trimming (details.md §3). */
function firstRepeat(values: string[]): [number, number] | undefined {
  const seen = new Map<string, number>();
  for (const [i, value] of values.entries()) {
    const key = value.trim();
    const earlier = seen.get(key);
    if (earlier !== undefined) return [earlier, i];
    seen.set(key, i);
  }
  return undefined;
}

const quizQuestion = z
  .looseObject({ question: z.string().min(1), answers: z.array(quizAnswer).min(1) })
  .superRefine((question, ctx) => {
    const repeat = firstRepeat(question.answers.map((a) => a.text));
    if (repeat)
      ctx.addIssue({
        code: 'custom',
        path: ['answers', repeat[1], 'text'],
        message: `repeats answers[${repeat[0]}].text`,
      });
  });

const quiz = z.looseObject({ questions: z.array(quizQuestion).min(1) }).superRefine((q, ctx) => {
  const repeat = firstRepeat(q.questions.map((question) => question.question));
  if (repeat)
    ctx.addIssue({
      code: 'custom',
      path: ['questions', repeat[1], 'question'],
      message: `repeats questions[${repeat[0]}].question`,
    });
});

const poll = z.looseObject({
  poll_type: z.enum(POLL_TYPES),
  prompt: z.string().min(1),
  responses: z.array(z.string().min(1)).min(1),
});

/** A chapter's title is `properties.text`, else the annotation's title (details.md §1). */
const bookmark = z.looseObject({ text: z.string().min(1).optional() });

/** Types whose properties the reports read; the others take any object. */
const PROPERTIES: Partial<Record<AnnotationType, z.ZodType<Record<string, unknown>>>> = {
  quiz,
  poll,
  bookmark,
};

export const experienceBody = z.strictObject({
  id: listedId.optional(),
  title,
  type: z.enum(EXPERIENCE_TYPES),
  playlist: z.array(catalogId).max(CATALOG_LIMITS.playlist).optional(),
  tags: tags.optional(),
  ...serverOwned,
});
export const experiencePatch = experienceBody.partial();

export type ProjectInput = z.input<typeof projectBody>;
export type ProjectPatchInput = z.input<typeof projectPatch>;
export type AnnotationInput = z.input<typeof annotationBody>;
export type AnnotationPatchInput = z.input<typeof annotationPatch>;
export type ExperienceInput = z.input<typeof experienceBody>;
export type ExperiencePatchInput = z.input<typeof experiencePatch>;

/** Parses a request body; a failure is a 400 naming the field (`body` for the whole). */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { error: describeIssue });
  if (!result.success) throw issueToError(result.error, 'body');
  return result.data;
}

/** Checks `properties` against its annotation type's shape; failures name `properties.…`. */
export function parseProperties(
  type: AnnotationType,
  properties: Record<string, unknown>,
): Record<string, unknown> {
  const schema = PROPERTIES[type];
  if (!schema) return properties;
  const result = schema.safeParse(properties, { error: describeIssue });
  if (!result.success) throw issueToError(result.error, 'properties', ['properties']);
  return result.data;
}
