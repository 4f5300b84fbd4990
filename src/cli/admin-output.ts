/** The human forms of the admin commands' results (the `--json` forms are the results as they are). */
import type {
  AccountJson,
  CredentialJson,
  CredentialListJson,
  KeyJson,
  KeyListJson,
} from '../admin/admin.js';

/** Left-aligned columns two spaces apart; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [headers, ...rows].map(line).join('\n') + '\n';
}

/** One object as `field  value` lines. */
function fields(entries: readonly (readonly [string, string])[]): string {
  const width = Math.max(...entries.map(([name]) => name.length));
  return entries.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n') + '\n';
}

const limitsText = (a: AccountJson) => `${a.limits.minute}/${a.limits.hour}/${a.limits.day}`;
const yesNo = (value: boolean) => (value ? 'yes' : 'no');

export function accountsTable(accounts: readonly AccountJson[]): string {
  if (accounts.length === 0) return 'no accounts\n';
  return table(
    ['ACCOUNT_ID', 'NAME', 'LIMITS (M/H/D)'],
    accounts.map((a) => [a.account_id, a.name, limitsText(a)]),
  );
}

export function credentialText(c: CredentialJson): string {
  return fields([
    ['client_id', c.client_id],
    ['client_secret', c.client_secret],
    ['accounts', c.accounts.join(', ')],
    ['scopes', c.scopes.join(' ')],
  ]);
}

export function credentialsTable(list: readonly CredentialListJson[]): string {
  if (list.length === 0) return 'no client credentials\n';
  return table(
    ['CLIENT_ID', 'ACCOUNTS', 'SCOPES', 'REVOKED'],
    list.map((c) => [c.client_id, c.accounts.join(','), c.scopes.join(','), yesNo(c.revoked)]),
  );
}

export function keyText(k: KeyJson): string {
  return fields([
    ['key_id', k.key_id],
    ['key', k.key],
    ['type', k.type],
    ['account_id', k.account_id],
    ['origins', k.origins.length > 0 ? k.origins.join(' ') : '(any)'],
  ]);
}

export function keysTable(list: readonly KeyListJson[]): string {
  if (list.length === 0) return 'no keys\n';
  return table(
    ['KEY_ID', 'TYPE', 'ACCOUNT_ID', 'REVOKED'],
    list.map((k) => [k.key_id, k.type, k.account_id, yesNo(k.revoked)]),
  );
}
