/**
 * The catalog in DuckDB. Every change runs on the writer queue, so a read-then-write (create over
 * a deleted row, PATCH, delete with its annotations) cannot interleave with another write.
 * Timestamps arrive as ISO-8601 UTC strings from the service, so the session time zone never
 * matters. A write that changes an annotation's type re-folds, in the same transaction, the report
 * rollups of the sessions whose events name it (rollups.ts).
 */
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Annotation, Experience, Project } from '../../domain/catalog-types.js';
import { AppError, notFound } from '../../domain/errors.js';
import type { CatalogStore, Change, ListFilter, ListQuery } from '../store.js';
import { inTransaction, type DuckDb, type Row } from './database.js';
import { toAnnotation, toExperience, toProject } from '../rows.js';
import { refoldIfRetyped } from './rollups.js';

type Table = 'projects' | 'annotations' | 'experiences';

/** Column names and values of each kind, in one place for INSERT and UPDATE alike. */
const projectColumns = (p: Project): [string, DuckDBValue][] => [
  ['title', p.title],
  ['video_id', p.video_id],
  ['video_source_id', p.video_source_id],
  ['video_duration', p.video_duration],
  ['tags', JSON.stringify(p.tags)],
  ['created_at', p.created_at],
  ['updated_at', p.updated_at],
];

const annotationColumns = (a: Annotation): [string, DuckDBValue][] => [
  ['project_id', a.project_id],
  ['type', a.type],
  ['title', a.title],
  ['start_time', a.start_time === null ? null : JSON.stringify(a.start_time)],
  ['duration', a.duration === null ? null : JSON.stringify(a.duration)],
  ['properties', JSON.stringify(a.properties)],
  ['created_at', a.created_at],
  ['updated_at', a.updated_at],
];

const experienceColumns = (e: Experience): [string, DuckDBValue][] => [
  ['title', e.title],
  ['type', e.type],
  ['playlist', JSON.stringify(e.playlist)],
  ['tags', JSON.stringify(e.tags)],
  ['created_at', e.created_at],
  ['updated_at', e.updated_at],
];

/** How one kind of catalog object is stored. */
interface Kind<T> {
  table: Table;
  /** What messages call one of them. */
  noun: string;
  toObject: (row: Row) => T;
  columns: (value: T) => [string, DuckDBValue][];
  /** Whether it has tags to filter on (annotations have none). */
  tagged: boolean;
  /**
   * What else must change, in the same transaction, when a write (`update`, `createAnnotation`)
   * takes a row from `before` (null: no row with the key) to `after`.
   */
  onWrite?: (conn: DuckDBConnection, before: T | null, after: T) => Promise<void>;
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
  // The report rollups resolve annotation types from this table (deleted rows included).
  onWrite: (conn, before, after) =>
    refoldIfRetyped(conn, after.account_id, after.id, before?.type ?? null, after.type),
};
const EXPERIENCES: Kind<Experience> = {
  table: 'experiences',
  noun: 'experience',
  toObject: toExperience,
  columns: experienceColumns,
  tagged: true,
};

/** One live object; annotations are addressed within their project too. */
interface Key {
  accountId: string;
  id: string;
  projectId?: string;
}

interface Where {
  sql: string;
  params: DuckDBValue[];
}

function live(key: { accountId: string; projectId?: string | undefined }): Where {
  const where: Where = { sql: 'account_id = ? AND deleted_at IS NULL', params: [key.accountId] };
  if (key.projectId !== undefined) {
    where.sql += ' AND project_id = ?';
    where.params.push(key.projectId);
  }
  return where;
}

function one(key: Key): Where {
  const where = live(key);
  return { sql: `${where.sql} AND id = ?`, params: [...where.params, key.id] };
}

/** The live rows of an account (and project) that a filter keeps. */
function filtered(
  scope: { accountId: string; projectId?: string },
  filter: ListFilter,
  tagged: boolean,
): Where {
  const { sql, params } = live(scope);
  const clauses = [sql];
  if (filter.title) {
    // strpos rather than LIKE: the user's text needs no escaping of % and _.
    clauses.push('strpos(lower(title), lower(?)) > 0');
    params.push(filter.title);
  }
  if (tagged && filter.tags && filter.tags.length > 0) {
    const match = filter.tagMatch === 'all' ? 'list_has_all' : 'list_has_any';
    clauses.push(`${match}(from_json(tags, '["VARCHAR"]'), ?::VARCHAR[])`);
    params.push(listValue(filter.tags));
  }
  return { sql: clauses.join(' AND '), params };
}

const ORDER_BY: Record<ListQuery['sortBy'], string> = {
  updated_at: 'updated_at',
  created_at: 'created_at',
  // Case-insensitive, as a person sorts titles; NULLS LAST spelled out because engines differ.
  title: 'lower(title)',
};

function page(query: ListQuery): Where {
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  // BigInt: a far page times its size may pass 2^53; the page itself is a safe integer.
  const offset = BigInt(query.page - 1) * BigInt(query.pageSize);
  return {
    sql: `ORDER BY ${ORDER_BY[query.sortBy]} ${direction} NULLS LAST, id ${direction} LIMIT ? OFFSET ?`,
    params: [query.pageSize, offset],
  };
}

async function rowsOf(conn: DuckDBConnection, sql: string, params: DuckDBValue[]): Promise<Row[]> {
  return (await conn.runAndReadAll(sql, params)).getRowObjectsJS();
}

/**
 * Inserts a row, or replaces a soft-deleted row with the same key; null when a live row holds
 * the key. One statement, so it needs no transaction.
 */
async function insertOrRevive<T extends { account_id: string; id: string }>(
  conn: DuckDBConnection,
  kind: Kind<T>,
  value: T,
): Promise<T | null> {
  const columns = kind.columns(value);
  const names = columns.map(([name]) => name);
  const sql = `INSERT INTO ${kind.table} (account_id, id, ${names.join(', ')}, deleted_at)
    VALUES (?, ?, ${names.map(() => '?').join(', ')}, NULL)
    ON CONFLICT (account_id, id) DO UPDATE SET
      ${names.map((n) => `${n} = excluded.${n}`).join(', ')}, deleted_at = NULL
    WHERE ${kind.table}.deleted_at IS NOT NULL
    RETURNING *`;
  const rows = await rowsOf(conn, sql, [value.account_id, value.id, ...columns.map(([, v]) => v)]);
  return rows[0] ? kind.toObject(rows[0]) : null;
}

const conflict = (what: string, id: string) =>
  new AppError('CONFLICT', `${what} ${JSON.stringify(id)} exists already`, { field: 'id' });

export function duckCatalog(db: DuckDb): CatalogStore {
  const create = async <T extends { account_id: string; id: string }>(kind: Kind<T>, value: T) => {
    const created = await db.write((conn) => insertOrRevive(conn, kind, value));
    if (!created) throw conflict(kind.noun, value.id);
    return created;
  };

  const get = async <T>(kind: Kind<T>, key: Key) => {
    const where = one(key);
    const row = await db.one(`SELECT * FROM ${kind.table} WHERE ${where.sql}`, where.params);
    return row ? kind.toObject(row) : null;
  };

  const list = async <T>(
    kind: Kind<T>,
    scope: { accountId: string; projectId?: string },
    query: ListQuery,
  ) => {
    const where = filtered(scope, query, kind.tagged);
    const paging = page(query);
    const rows = await db.all(`SELECT * FROM ${kind.table} WHERE ${where.sql} ${paging.sql}`, [
      ...where.params,
      ...paging.params,
    ]);
    return rows.map(kind.toObject);
  };

  const count = async <T>(kind: Kind<T>, accountId: string, filter: ListFilter) => {
    const where = filtered({ accountId }, filter, kind.tagged);
    const row = await db.one(
      `SELECT count(*) AS n FROM ${kind.table} WHERE ${where.sql}`,
      where.params,
    );
    return Number(row?.n ?? 0);
  };

  /**
   * Reads the live row on the writer, applies `apply`, writes the result back, with what else
   * the change makes change (`onWrite`) in the same transaction.
   */
  const update = <T>(kind: Kind<T>, key: Key, apply: Change<T>) =>
    db.write((conn) =>
      inTransaction(conn, async () => {
        const where = one(key);
        const [current] = await rowsOf(
          conn,
          `SELECT * FROM ${kind.table} WHERE ${where.sql}`,
          where.params,
        );
        if (!current) return null;
        const before = kind.toObject(current);
        const columns = kind.columns(apply(before));
        const [row] = await rowsOf(
          conn,
          `UPDATE ${kind.table} SET ${columns.map(([name]) => `${name} = ?`).join(', ')}
          WHERE ${where.sql} RETURNING *`,
          [...columns.map(([, v]) => v), ...where.params],
        );
        if (!row) return null;
        const after = kind.toObject(row);
        await kind.onWrite?.(conn, before, after);
        return after;
      }),
    );

  const softDelete = async <T>(kind: Kind<T>, key: Key) => {
    const where = one(key);
    const rows = await db.writeAll(
      `UPDATE ${kind.table} SET deleted_at = ? WHERE ${where.sql} RETURNING id`,
      [new Date().toISOString(), ...where.params],
    );
    return rows.length > 0;
  };

  return {
    createProject: (project) => create(PROJECTS, project),
    getProject: (accountId, id) => get(PROJECTS, { accountId, id }),
    listProjects: (accountId, query) => list(PROJECTS, { accountId }, query),
    countProjects: (accountId, filter) => count(PROJECTS, accountId, filter),
    updateProject: (accountId, id, apply) => update(PROJECTS, { accountId, id }, apply),
    deleteProject(accountId, id) {
      // The project and its annotations go together, in one transaction.
      return db.write(async (conn) => {
        const now = new Date().toISOString();
        await conn.run('BEGIN TRANSACTION');
        try {
          const deleted = await rowsOf(
            conn,
            'UPDATE projects SET deleted_at = ? WHERE account_id = ? AND id = ? AND deleted_at IS NULL RETURNING id',
            [now, accountId, id],
          );
          await conn.run(
            'UPDATE annotations SET deleted_at = ? WHERE account_id = ? AND project_id = ? AND deleted_at IS NULL',
            [now, accountId, id],
          );
          await conn.run('COMMIT');
          return deleted.length > 0;
        } catch (error) {
          await conn.run('ROLLBACK');
          throw error;
        }
      });
    },

    async createAnnotation(annotation) {
      const { account_id: accountId, project_id: projectId, id } = annotation;
      // Checked on the writer, so the project cannot be deleted between the check and the insert.
      const created = await db.write((conn) =>
        inTransaction(conn, async () => {
          const where = one({ accountId, id: projectId });
          const [project] = await rowsOf(
            conn,
            `SELECT id FROM projects WHERE ${where.sql}`,
            where.params,
          );
          if (!project) throw notFound(`project ${JSON.stringify(projectId)} not found`);
          // Any row with the ID, deleted too: a revived row's old type is what the rollups used.
          const [previous] = await rowsOf(
            conn,
            'SELECT * FROM annotations WHERE account_id = ? AND id = ?',
            [accountId, id],
          );
          const inserted = await insertOrRevive(conn, ANNOTATIONS, annotation);
          if (inserted) {
            await ANNOTATIONS.onWrite?.(conn, previous ? toAnnotation(previous) : null, inserted);
          }
          return inserted;
        }),
      );
      if (!created) throw conflict(ANNOTATIONS.noun, id);
      return created;
    },
    getAnnotation: (accountId, projectId, id) => get(ANNOTATIONS, { accountId, projectId, id }),
    async listAnnotations(accountId, projectId, query) {
      if (query) return list(ANNOTATIONS, { accountId, projectId }, query);
      const where = live({ accountId, projectId });
      const rows = await db.all(
        `SELECT * FROM annotations WHERE ${where.sql} ORDER BY created_at, id`,
        where.params,
      );
      return rows.map(toAnnotation);
    },
    updateAnnotation: (key, apply) => update(ANNOTATIONS, key, apply),
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
