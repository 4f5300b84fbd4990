#!/usr/bin/env node
// The package's bin: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
import { main } from '../dist/src/cli/main.js';

main(process.argv).catch((error) => {
  process.stderr.write(`cuepoint: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
