import { loadConfig, type Config } from '../config.js';
import { AppError } from '../domain/errors.js';

/** Where a command's store is (`--data-dir` / `--database-url`, else CUEPOINT_*); a bad one is a usage error. */
export function storeConfig(options: {
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
}): Config {
  try {
    return loadConfig({ dataDir: options.dataDir, databaseUrl: options.databaseUrl }, process.env);
  } catch (error) {
    throw new AppError('BAD_REQUEST', error instanceof Error ? error.message : String(error));
  }
}
