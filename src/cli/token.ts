/**
 * `cuepoint token`: fetches an access token with the client credentials and prints it (stdout:
 * the token alone, ready for `$(…)`; `--json`: the token endpoint's whole answer).
 */
import type { Command } from 'commander';
import { createClient } from '../client/index.js';
import {
  addConnectionOptions,
  clientSettings,
  timeoutMs,
  type ConnectionFlags,
} from './client-config.js';
import { EXIT, interruptSignal, usageErrors, writeError } from './client-output.js';

interface TokenOptions extends ConnectionFlags {
  scope?: string;
  timeout?: string;
  json?: boolean;
}

async function run(options: TokenOptions): Promise<number> {
  const json = options.json === true;
  const interrupt = interruptSignal();
  try {
    const timeout = timeoutMs(options.timeout, 60);
    const settings = await clientSettings(options, process.env, {
      warn: (line) => process.stderr.write(`cuepoint: ${line}\n`),
    });
    const client = createClient({
      ...settings,
      timeoutMs: timeout,
      ...(options.scope === undefined ? {} : { scope: options.scope }),
    });
    const token = await client.token({ signal: interrupt.signal });
    process.stdout.write(json ? JSON.stringify(token) + '\n' : token.access_token + '\n');
    return EXIT.ok;
  } catch (error) {
    return writeError(error, json);
  } finally {
    interrupt.release();
  }
}

export function registerToken(program: Command): void {
  const command = program
    .command('token')
    .description('print an access token for the client credentials')
    .option('--scope <scopes>', 'narrow the token to these space-separated scopes')
    .option('--timeout <seconds>', 'give up after this long (default 60; 0: never)')
    .option('--json', 'print {"access_token","token_type","expires_in"}; errors as JSON');
  addConnectionOptions(command);
  usageErrors(
    command,
    () => command.opts<TokenOptions>().json === true || process.argv.includes('--json'),
  );
  command.action(async (options: TokenOptions) => {
    process.exitCode = await run(options);
  });
}
