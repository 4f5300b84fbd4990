/** The `cuepoint` command: each subcommand is a thin call into the rest of the program. */
import { Command } from 'commander';
import { VERSION } from '../http/app.js';
import { registerAdmin } from './admin.js';
import { registerAnalytics } from './analytics.js';
import { registerDemo } from './demo.js';
import { registerImport } from './import.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerWorker } from './worker.js';
import { registerToken } from './token.js';

export function buildProgram(): Command {
  const program = new Command('cuepoint')
    .version(VERSION)
    .description('Engagement reporting for interactive video');
  registerServe(program);
  registerWorker(program);
  registerAdmin(program);
  registerImport(program);
  registerDemo(program);
  registerToken(program);
  registerReport(program);
  registerAnalytics(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
