// STUB — to be replaced by the demo-data work.
import type { Command } from 'commander';
import type { RunningServer } from '../server.js';

export function registerDemo(_program: Command): void {}

export async function runDemoOnServer(
  _server: RunningServer,
  out: NodeJS.WritableStream,
): Promise<void> {
  out.write('demo data: not implemented yet\n');
}
