/** `importFile` in-process, with a stand-in for the admin: chunking and line numbers. */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { IngestResult } from '../src/collector/collector.js';
import { importFile, summaryText, type ImportSummary } from '../src/cli/import.js';
import { tempDir } from './helpers/server.js';

const dir = tempDir('cuepoint-import-file-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Accepts `{"ok":true}`, rejects anything else, and remembers the chunk sizes. */
function fakeAdmin() {
  const chunks: number[] = [];
  return {
    chunks,
    async importEvents(_account: string, items: unknown[]): Promise<IngestResult> {
      chunks.push(items.length);
      const rejected = items.flatMap((item, index) =>
        (item as { ok?: boolean }).ok === true ? [] : [{ index, reason: 'not ok' }],
      );
      return { accepted: items.length - rejected.length, duplicates: 0, rejected };
    },
  };
}

describe('importFile', () => {
  it('sends chunks of 5,000 lines and maps refusals back to their line numbers', async () => {
    const lines = Array.from({ length: 12_003 }, (_, i) => {
      const line = i + 1;
      if (line === 7_777) return '{not json';
      if (line === 9_000) return '   ';
      return JSON.stringify(line === 10_500 ? { ok: false } : { ok: true });
    });
    const file = join(dir, 'big.ndjson');
    // Windows line ends too: they must not end up in the parsed lines.
    writeFileSync(file, lines.join('\r\n'));
    const admin = fakeAdmin();
    const summary: ImportSummary = { accepted: 0, duplicates: 0, rejected: [] };
    await importFile(admin, { account: 'acme', file }, summary);
    assert.deepEqual(admin.chunks, [5_000, 5_000, 2_001]);
    assert.deepEqual(summary, {
      accepted: 12_000,
      duplicates: 0,
      rejected: [
        { file, line: 7_777, reason: 'line is not valid JSON' },
        { file, line: 10_500, reason: 'not ok' },
      ],
    });
  });

  it('lists at most 20 refusals in the human summary', () => {
    const rejected = Array.from({ length: 25 }, (_, i) => ({
      file: 'f',
      line: i + 1,
      reason: 'r',
    }));
    const text = summaryText({ accepted: 1, duplicates: 0, rejected });
    assert.match(text, /^1 event imported, 0 duplicates skipped, 25 lines rejected\n/);
    assert.equal(text.split('\n').filter((l) => l.startsWith('  f:')).length, 20);
    assert.match(text, /… and 5 more \(--json lists them all\)\n$/);
  });
});
