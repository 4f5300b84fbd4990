/**
 * The admin socket (architecture.md §1): DuckDB lets one process open the file, so a running
 * `cuepoint serve` answers the admin commands on `<dataDir>/cuepoint.sock`, readable and
 * writable by its owner only. The protocol is plain HTTP on the socket: `POST /<operation>` with
 * a JSON array of arguments answers 200 and the JSON result, or an error status and
 * `{"error":{"code","message","field"}}`; `GET /ping` tells a client that a server is there.
 */
import { chmod, lstat, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { AppError } from '../domain/errors.js';
import { isAdminMethod, type AdminHandlers } from './operations.js';

export const ADMIN_SOCKET_NAME = 'cuepoint.sock';
/** Imports send events in chunks; this only bounds a runaway client. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export function adminSocketPath(dataDir: string): string {
  return join(dataDir, ADMIN_SOCKET_NAME);
}

export interface AdminSocket {
  path: string;
  /** Stops answering and removes the socket file. Idempotent. */
  close(): Promise<void>;
}

export interface AdminSocketOptions {
  /** Told of failures that are ours (a 500), which the client sees only as "see the server log". */
  onError?: (error: unknown) => void;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) ?? 'null';
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `admin requests are limited to ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseArgs(text: string): unknown[] {
  let args: unknown;
  try {
    args = JSON.parse(text === '' ? '[]' : text);
  } catch {
    throw new AppError('BAD_REQUEST', 'the body must be a JSON array of arguments', {
      field: 'body',
    });
  }
  if (!Array.isArray(args)) {
    throw new AppError('BAD_REQUEST', 'the body must be a JSON array of arguments', {
      field: 'body',
    });
  }
  // JSON has no undefined: an argument left out travels as null.
  return args.map((arg: unknown) => (arg === null ? undefined : arg));
}

async function answer(handlers: AdminHandlers, req: IncomingMessage): Promise<unknown> {
  const name = (req.url ?? '').replace(/^\//, '');
  if (req.method === 'GET' && name === 'ping') return { service: 'cuepoint-admin' };
  if (req.method !== 'POST' || !isAdminMethod(name)) {
    throw new AppError('RESOURCE_NOT_FOUND', `no admin operation ${req.method ?? ''} /${name}`);
  }
  const args = parseArgs(await readBody(req));
  return handlers[name](...args);
}

async function removeStale(path: string): Promise<void> {
  try {
    const stat = await lstat(path);
    if (!stat.isSocket()) throw new Error(`${path} exists and is not a socket; move it away`);
    // The store's file lock is ours, so no other server uses this socket: it is left from a crash.
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Listens on the data directory's admin socket, replacing a stale one. */
export async function startAdminSocket(
  handlers: AdminHandlers,
  dataDir: string,
  options: AdminSocketOptions = {},
): Promise<AdminSocket> {
  const path = adminSocketPath(dataDir);
  await removeStale(path);
  const server = createServer((req, res) => {
    answer(handlers, req).then(
      (result) => send(res, 200, result),
      (error: unknown) => {
        if (error instanceof AppError) {
          const { code, message, field } = error;
          return send(res, error.status, { error: { code, message, ...(field && { field }) } });
        }
        options.onError?.(error);
        send(res, 500, {
          error: {
            code: 'SERVER_ERROR',
            message: 'the admin operation failed; see the server log',
          },
        });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The data directory is created 0700 too; this keeps the socket owner-only wherever it is.
  await chmod(path, 0o600);

  let closing: Promise<void> | undefined;
  return {
    path,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await unlink(path).catch(() => undefined);
      })()),
  };
}
