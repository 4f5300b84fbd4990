/** OAuth scopes (auth.md §3), declared once. */
export const SCOPES = [
  'video-cloud/interactivity/read',
  'video-cloud/interactivity/all',
  'video-cloud/analytics/read',
] as const;
export type Scope = (typeof SCOPES)[number];
export const DEFAULT_SCOPE: Scope = 'video-cloud/interactivity/read';

/** What a request needs; which scopes grant it. */
export const NEEDS = {
  reports: [
    'video-cloud/interactivity/read',
    'video-cloud/interactivity/all',
    'video-cloud/analytics/read',
  ],
  catalogRead: ['video-cloud/interactivity/read', 'video-cloud/interactivity/all'],
  catalogWrite: ['video-cloud/interactivity/all'],
} as const satisfies Record<string, readonly Scope[]>;
export type Need = keyof typeof NEEDS;

export function grants(scopes: readonly string[], need: Need): boolean {
  return scopes.some((s) => (NEEDS[need] as readonly string[]).includes(s));
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
