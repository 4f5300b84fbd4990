/**
 * Demo viewers, each derived from its number alone (no table held in memory, however many there
 * are). About half are known users (the page names them), most others anonymous browsers with the
 * tracker's lasting token, and the rest send neither, so each of their sessions is a viewer of its
 * own (reporting-api.md §3.1).
 */
import { hex8, mix32, randomFor } from './random.js';

const FIRST = (
  'Maria James Aisha Chen Sofia Liam Priya Noah Fatima Lucas Hannah Mateo Yuki Olivia Kwame Emma ' +
  'Diego Ava Omar Isla José Mia Ravi Zoë Ethan Grace Tomás Leila Samuel Nora Arjun Chloe'
).split(' ');
const LAST = (
  'Garcia Smith Okafor Wang Rossi Murphy Patel Johnson Haddad Silva Schmidt Lopez Tanaka Brown ' +
  'Mensah Wilson Fernandez Nguyen Khan Campbell Martin Kowalski Anderson Dubois Cohen Moreau Singh'
).split(' ');
const DOMAINS = ['example.com', 'example.org', 'example.net'];

export type ViewerKind = 'known' | 'anonymous' | 'unnamed';

export interface Viewer {
  index: number;
  kind: ViewerKind;
  /** Known users: the page's user ID (digits; sent as a number by some pages). */
  userId: string | null;
  username: string | null;
  /** Anonymous browsers: the tracker's token. */
  anonymousId: string | null;
  firstName: string;
  lastName: string;
  email: string;
  store: string;
  /** Probability of answering a quiz question correctly. */
  skill: number;
  /** Probability that a session of theirs interacts at all. */
  engagement: number;
}

const STREAM = 0x7669; // "vi"

const ascii = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

export function viewerFor(seed: number, index: number): Viewer {
  const rnd = randomFor(seed, STREAM, index);
  const roll = rnd.next();
  const kind: ViewerKind = roll < 0.48 ? 'known' : roll < 0.86 ? 'anonymous' : 'unnamed';
  const firstName = rnd.pick(FIRST);
  const lastName = rnd.pick(LAST);
  const handle = `${ascii(firstName)}.${ascii(lastName)}${rnd.int(1, 99)}`.toLowerCase();
  return {
    index,
    kind,
    userId: kind === 'known' ? String(100_000 + index) : null,
    username: kind === 'known' ? handle : null,
    anonymousId:
      kind === 'anonymous' ? hex8(mix32(index ^ 0x5bd1e995)) + hex8(mix32(index + seed)) : null,
    firstName,
    lastName,
    email: `${handle}@${rnd.pick(DOMAINS)}`,
    store: `Store ${String(100 + (index % 240)).padStart(4, '0')}`,
    skill: rnd.range(0.45, 0.97),
    engagement: rnd.range(0.25, 0.9),
  };
}
