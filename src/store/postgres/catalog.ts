/**
 * The catalog in PostgreSQL. A read-then-write (PATCH, create under a project, delete with the
 * annotations) runs in one transaction holding the row it depends on (`FOR UPDATE` / `FOR
 * SHARE`), so concurrent requests on any node cannot interleave. Timestamps arrive as ISO-8601
 * UTC strings from the service; a TIMESTAMP column ignores the `Z`, so the session zone never
 * matters. A write that gives an annotation a type it did not have re-folds, in its transaction,
 * the report rollups of the sessions that name it (./rollups.ts).
 */
import type { Annotation, Experience, Project } from '../../domain/catalog-types.js';
import { AppError, notFound } from '../../domain/errors.js';
import type { CatalogStore, Change, ListFilter, ListQuery } from '../store.js';
import { storableJson, type Param, type PgDb, type Row, type Tx } from './database.js';
import { toAnnotation, toExperience, toProject } from '../rows.js';
import { refoldAnnotation } from './rollups.js';

type Table = 'projects' | 'annotations' | 'experiences';

/** Column names and values of each kind, in one place for INSERT and UPDATE alike. */
const projectColumns = (p: Project): [string, Param][] => [
  ['title', p.title],
  ['video_id', p.video_id],
  ['video_source_id', p.video_source_id],
  ['video_duration', p.video_duration],
  ['tags', storableJson(JSON.stringify(p.tags))],
  ['created_at', p.created_at],
  ['updated_at', p.updated_at],
];

const annotationColumns = (a: Annotation): [string, Param][] => [
  ['project_id', a.project_id],
  ['type', a.type],
  ['title', a.title],
  ['start_time', a.start_time === null ? null : storableJson(JSON.stringify(a.start_time))],
  ['duration', a.duration === null ? null : storableJson(JSON.stringify(a.duration))],
  ['properties', storableJson(JSON.stringify(a.properties))],
  ['created_at', a.created_at],
  ['updated_at', a.updated_at],
];

const experienceColumns = (e: Experience): [string, Param][] => [
  ['title', e.title],
  ['type', e.type],
  ['playlist', storableJson(JSON.stringify(e.playlist))],
  ['tags', storableJson(JSON.stringify(e.tags))],
  ['created_at', e.created_at],
  ['updated_at', e.updated_at],
];

/** How one kind of catalog object is stored. */
interface Kind<T> {
  table: Table;
  /** What messages call one of them. */
  noun: string;
  toObject: (row: Row) => T;
  columns: (value: T) => [string, Param][];
  /** Whether it has tags to filter on (annotations have none). */
  tagged: boolean;
}

const PROJECTS: Kind<Project> = {
  table: 'projects',
  noun: 'project',
  toObject: toProject,
  columns: projectColumns,
  tagged: true,
};
const ANNOTATIONS: Kind<Annotation> = {
  table: 'annotations',
  noun: 'annotation',
  toObject: toAnnotation,
  columns: annotationColumns,
  tagged: false,
};
const EXPERIENCES: Kind<Experience> = {
  table: 'experiences',
  noun: 'experience',
  toObject: toExperience,
  columns: experienceColumns,
  tagged: true,
};

/** Parameters collected as a statement is written: `p.add(value)` gives its `$n`. */
class Params {
  readonly values: Param[] = [];
  add(value: Param): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** One live object; annotations are addressed within their project too. */
interface Key {
  accountId: string;
  id: string;
  projectId?: string | undefined;
}

function live(key: { accountId: string; projectId?: string | undefined }, p: Params): string {
  let sql = `account_id = ${p.add(key.accountId)} AND deleted_at IS NULL`;
  if (key.projectId !== undefined) sql += ` AND project_id = ${p.add(key.projectId)}`;
  return sql;
}

function one(key: Key, p: Params): string {
  return `${live(key, p)} AND id = ${p.add(key.id)}`;
}

/** The live rows of an account (and project) that a filter keeps. */
function filtered(
  scope: { accountId: string; projectId?: string },
  filter: ListFilter,
  tagged: boolean,
  p: Params,
): string {
  const clauses = [live(scope, p)];
  if (filter.title) {
    // strpos rather than LIKE: the user's text needs no escaping of % and _.
    clauses.push(`strpos(lower(title), lower(${p.add(filter.title)})) > 0`);
  }
  if (tagged && filter.tags && filter.tags.length > 0) {
    const match = filter.tagMatch === 'all' ? '@>' : '&&';
    clauses.push(
      `ARRAY(SELECT json_array_elements_text(CAST(tags AS json))) ${match} CAST(${p.add(filter.tags)} AS text[])`,
    );
  }
  return clauses.join(' AND ');
}

const ORDER_BY: Record<ListQuery['sortBy'], string> = {
  updated_at: 'updated_at',
  created_at: 'created_at',
  // Case-insensitive, as a person sorts titles, compared by code point as DuckDB does; NULLS
  // LAST spelled out because engines differ.
  title: 'lower(title) COLLATE "C"',
};

function page(query: ListQuery, p: Params): string {
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  // BigInt: a far page times its size may pass 2^53; the page itself is a safe integer.
  const offset = BigInt(query.page - 1) * BigInt(query.pageSize);
  return `ORDER BY ${ORDER_BY[query.sortBy]} ${direction} NULLS LAST, id ${direction}
    LIMIT ${p.add(query.pageSize)} OFFSET ${p.add(offset.toString())}`;
}

/**
 * Inserts a row, or replaces a soft-deleted row with the same key; null when a live row holds
 * the key. One statement, so it needs no transaction.
 */
async function insertOrRevive<T extends { account_id: string; id: string }>(
  tx: Pick<Tx, 'one'>,
  kind: Kind<T>,
  value: T,
): Promise<T | null> {
  const p = new Params();
  const columns = kind.columns(value);
  const names = columns.map(([name]) => name);
  const sql = `INSERT INTO ${kind.table} (account_id, id, ${names.join(', ')}, deleted_at)
    VALUES (${p.add(value.account_id)}, ${p.add(value.id)}, ${columns.map(([, v]) => p.add(v)).join(', ')}, NULL)
    ON CONFLICT (account_id, id) DO UPDATE SET
      ${names.map((n) => `${n} = excluded.${n}`).join(', ')}, deleted_at = NULL
    WHERE ${kind.table}.deleted_at IS NOT NULL
    RETURNING *`;
  const row = await tx.one(sql, p.values);
  return row ? kind.toObject(row) : null;
}

/**
 * The rollups fold each event with its annotation's type in the catalog: when a write leaves an
 * annotation with another type than it had (`previousType`; undefined when it had no row), the
 * sessions whose events name it, and its own chapter partials and widget events, are folded
 * again. Soft deletes keep the type, and need nothing.
 */
async function refoldIfRetyped(
  tx: Tx,
  previousType: unknown,
  annotation: Annotation,
): Promise<void> {
  if (previousType !== annotation.type) {
    await refoldAnnotation(tx, annotation.account_id, annotation.id);
  }
}

const conflict = (what: string, id: string) =>
  new AppError('CONFLICT', `${what} ${JSON.stringify(id)} exists already`, { field: 'id' });

export function pgCatalog(db: PgDb): CatalogStore {
  const create = async <T extends { account_id: string; id: string }>(kind: Kind<T>, value: T) => {
    const created = await insertOrRevive(db, kind, value);
    if (!created) throw conflict(kind.noun, value.id);
    return created;
  };

  const get = async <T>(kind: Kind<T>, key: Key) => {
    const p = new Params();
    const row = await db.one(`SELECT * FROM ${kind.table} WHERE ${one(key, p)}`, p.values);
    return row ? kind.toObject(row) : null;
  };

  const list = async <T>(
    kind: Kind<T>,
    scope: { accountId: string; projectId?: string },
    query: ListQuery,
  ) => {
    const p = new Params();
    const where = filtered(scope, query, kind.tagged, p);
    const rows = await db.all(
      `SELECT * FROM ${kind.table} WHERE ${where} ${page(query, p)}`,
      p.values,
    );
    return rows.map(kind.toObject);
  };

  const count = async <T>(kind: Kind<T>, accountId: string, filter: ListFilter) => {
    const p = new Params();
    const where = filtered({ accountId }, filter, kind.tagged, p);
    const row = await db.one(`SELECT count(*) AS n FROM ${kind.table} WHERE ${where}`, p.values);
    return Number(row?.n ?? 0);
  };

  /**
   * Reads the live row locked, applies `apply`, writes the result back and does what else the
   * write implies (`afterWrite`), in one transaction.
   */
  const update = <T>(
    kind: Kind<T>,
    key: Key,
    apply: Change<T>,
    afterWrite?: (tx: Tx, before: T, after: T) => Promise<void>,
  ) =>
    db.transaction(async (tx) => {
      const p = new Params();
      const where = one(key, p);
      const current = await tx.one(
        `SELECT * FROM ${kind.table} WHERE ${where} FOR UPDATE`,
        p.values,
      );
      if (!current) return null;
      const before = kind.toObject(current);
      const columns = kind.columns(apply(before));
      const sets = columns.map(([name, value]) => `${name} = ${p.add(value)}`).join(', ');
      const row = await tx.one(
        `UPDATE ${kind.table} SET ${sets} WHERE ${where} RETURNING *`,
        p.values,
      );
      if (!row) return null;
      const after = kind.toObject(row);
      await afterWrite?.(tx, before, after);
      return after;
    });

  const softDelete = async <T>(kind: Kind<T>, key: Key) => {
    const p = new Params();
    const deletedAt = p.add(new Date().toISOString());
    const n = await db.run(
      `UPDATE ${kind.table} SET deleted_at = ${deletedAt} WHERE ${one(key, p)}`,
      p.values,
    );
    return n > 0;
  };

  return {
    createProject: (project) => create(PROJECTS, project),
    getProject: (accountId, id) => get(PROJECTS, { accountId, id }),
    listProjects: (accountId, query) => list(PROJECTS, { accountId }, query),
    countProjects: (accountId, filter) => count(PROJECTS, accountId, filter),
    updateProject: (accountId, id, apply) => update(PROJECTS, { accountId, id }, apply),
    deleteProject: (accountId, id) =>
      // The project and its annotations go together, in one transaction.
      db.transaction(async (tx) => {
        const now = new Date().toISOString();
        const deleted = await tx.run(
          'UPDATE projects SET deleted_at = $1 WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL',
          [now, accountId, id],
        );
        await tx.run(
          'UPDATE annotations SET deleted_at = $1 WHERE account_id = $2 AND project_id = $3 AND deleted_at IS NULL',
          [now, accountId, id],
        );
        return deleted > 0;
      }),

    async createAnnotation(annotation) {
      const { account_id: accountId, project_id: projectId, id } = annotation;
      // The project row is held (FOR SHARE) until the insert commits, so it cannot be deleted
      // between the check and the insert.
      const created = await db.transaction(async (tx) => {
        const p = new Params();
        const project = await tx.one(
          `SELECT id FROM projects WHERE ${one({ accountId, id: projectId }, p)} FOR SHARE`,
          p.values,
        );
        if (!project) throw notFound(`project ${JSON.stringify(projectId)} not found`);
        // The type of the deleted annotation this may replace, held until commit.
        const replaced = await tx.one(
          'SELECT type FROM annotations WHERE account_id = $1 AND id = $2 FOR UPDATE',
          [accountId, id],
        );
        const inserted = await insertOrRevive(tx, ANNOTATIONS, annotation);
        if (inserted) await refoldIfRetyped(tx, replaced?.type, inserted);
        return inserted;
      });
      if (!created) throw conflict(ANNOTATIONS.noun, id);
      return created;
    },
    getAnnotation: (accountId, projectId, id) => get(ANNOTATIONS, { accountId, projectId, id }),
    async listAnnotations(accountId, projectId, query) {
      if (query) return list(ANNOTATIONS, { accountId, projectId }, query);
      const p = new Params();
      const rows = await db.all(
        `SELECT * FROM annotations WHERE ${live({ accountId, projectId }, p)} ORDER BY created_at, id`,
        p.values,
      );
      return rows.map(toAnnotation);
    },
    updateAnnotation: (key, apply) =>
      update(ANNOTATIONS, key, apply, (tx, before, after) =>
        refoldIfRetyped(tx, before.type, after),
      ),
    deleteAnnotation: (accountId, projectId, id) =>
      softDelete(ANNOTATIONS, { accountId, projectId, id }),

    createExperience: (experience) => create(EXPERIENCES, experience),
    getExperience: (accountId, id) => get(EXPERIENCES, { accountId, id }),
    listExperiences: (accountId, query) => list(EXPERIENCES, { accountId }, query),
    countExperiences: (accountId, filter) => count(EXPERIENCES, accountId, filter),
    updateExperience: (accountId, id, apply) => update(EXPERIENCES, { accountId, id }, apply),
    deleteExperience: (accountId, id) => softDelete(EXPERIENCES, { accountId, id }),
  };
}
