/** The client side of the admin socket (socket.ts): the same `Admin`, answered by a running server. */
import { request } from 'node:http';
import { AppError, ERROR_CODES, type ErrorCode } from '../domain/errors.js';
import type { Admin } from './admin.js';
import type { AdminMethod } from './operations.js';

interface Reply {
  status: number;
  text: string;
}

function exchange(socketPath: string, method: 'GET' | 'POST', path: string, body?: string) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        // One request per connection, so that nothing keeps the CLI's process alive afterwards.
        agent: false,
        headers: {
          connection: 'close',
          ...(body !== undefined && {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Whether a server answers on the socket. No socket file, or a file nobody listens on (left by
 * a crash), means no: the caller then opens the store itself.
 */
export async function adminSocketAnswers(socketPath: string): Promise<boolean> {
  try {
    return (await exchange(socketPath, 'GET', '/ping')).status === 200;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED') return false;
    throw error;
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The server's `{"error":{…}}` as the AppError it was, so callers handle both paths alike. */
function toError(reply: Reply): AppError {
  let error: { code?: unknown; message?: unknown; field?: unknown } = {};
  try {
    const body: unknown = JSON.parse(reply.text);
    if (typeof body === 'object' && body !== null && 'error' in body) {
      const inner: unknown = body.error;
      if (typeof inner === 'object' && inner !== null) error = inner;
    }
  } catch {
    // not JSON: described below by its status
  }
  const message =
    typeof error.message === 'string' ? error.message : `admin socket answered ${reply.status}`;
  return new AppError(isErrorCode(error.code) ? error.code : 'SERVER_ERROR', message, {
    ...(typeof error.field === 'string' && { field: error.field }),
  });
}

async function call<M extends AdminMethod>(
  socketPath: string,
  method: M,
  args: Parameters<Admin[M]>,
): Promise<Awaited<ReturnType<Admin[M]>>> {
  const reply = await exchange(socketPath, 'POST', `/${method}`, JSON.stringify(args));
  if (reply.status !== 200) throw toError(reply);
  // Our own server's answer, shaped by the same Admin interface.
  return JSON.parse(reply.text);
}

/** An `Admin` whose every operation runs in the server listening on `socketPath`. */
export function remoteAdmin(socketPath: string): Admin {
  return {
    createAccount: (args) => call(socketPath, 'createAccount', [args]),
    updateAccount: (id, args) => call(socketPath, 'updateAccount', [id, args]),
    listAccounts: () => call(socketPath, 'listAccounts', []),
    createCredential: (args) => call(socketPath, 'createCredential', [args]),
    listCredentials: (args) => call(socketPath, 'listCredentials', [args]),
    revokeCredential: (id) => call(socketPath, 'revokeCredential', [id]),
    createKey: (args) => call(socketPath, 'createKey', [args]),
    listKeys: (args) => call(socketPath, 'listKeys', [args]),
    revokeKey: (id) => call(socketPath, 'revokeKey', [id]),
    importEvents: (accountId, items, firstIndex) =>
      call(socketPath, 'importEvents', [accountId, items, firstIndex]),
    demo: (args) => call(socketPath, 'demo', [args]),
  };
}
