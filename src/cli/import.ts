// STUB — to be replaced by the import work.
import type { Command } from 'commander';

export function registerImport(_program: Command): void {}
