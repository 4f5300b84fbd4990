// STUB — to be replaced by the admin-commands work (accounts, credentials, keys).
import type { Command } from 'commander';

export function registerAdmin(_program: Command): void {}
