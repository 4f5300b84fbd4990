import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { startWorker } from '../worker.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run report jobs from the PostgreSQL queue, without serving HTTP (server mode)')
    .option('--database-url <url>', 'PostgreSQL URL (CUEPOINT_DATABASE_URL)')
    .option('--report-workers <n>', 'jobs run at once by this process (CUEPOINT_REPORT_WORKERS)')
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug, trace or silent (CUEPOINT_LOG_LEVEL)',
    )
    .action(async (options: Record<string, unknown>) => {
      const worker = await startWorker(loadConfig(options, process.env));
      const stop = () => {
        worker.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
