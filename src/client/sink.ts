/**
 * Where a download goes: a stream, or a file written under a temporary name beside it and renamed
 * only when complete, so a failure or an abort never leaves half a report under the real name.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Sink {
  /** Pipes the chunks in, honouring back-pressure; rejects when the signal aborts. */
  write(chunks: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<void>;
  /** Discards what was written (the temporary file); safe to call after a failure. */
  discard(): Promise<void>;
}

/**
 * Opens the temporary file before anything is requested, so an unwritable path fails at once
 * rather than after the report has used a slot of the rate limit.
 */
export async function fileSink(path: string): Promise<Sink> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  const handle = await open(temp, 'wx');
  let closed = false;
  return {
    async write(chunks, signal) {
      const stream = handle.createWriteStream();
      closed = true; // the stream owns the handle now and closes it when it finishes or fails
      await pipeline(Readable.from(chunks), stream, { signal });
      await rename(temp, path);
    },
    async discard() {
      if (!closed) await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    },
  };
}

export function streamSink(stream: NodeJS.WritableStream, end: boolean): Sink {
  return {
    write: (chunks, signal) => pipeline(Readable.from(chunks), stream, { signal, end }),
    discard: async () => undefined,
  };
}
