/**
 * The spelling of event names, property keys and actions as each kind of sender writes them.
 * Brightcove's viewer writes `"Annotation Ended"`, `"Partner User ID"` and `"End - Complete"`;
 * Cuepoint's tracker writes `annotation_end`, `user_id` and `end_complete`. The demo sends both, so
 * that the data goes through every path of the collector's normalisation (events.md §2).
 */
import type { EventKind } from '../events/stored-event.js';

export type Sender = 'brightcove' | 'tracker';

export interface Naming {
  kind(kind: EventKind): string;
  /** A property key, given its canonical (normalised) name. */
  prop(name: string): string;
  /** An action or enumeration value, given its canonical name. */
  value(name: string): string;
}

const BRIGHTCOVE_KINDS: Record<EventKind, string> = {
  player_action: 'Player Action',
  annotation_view: 'Annotation View',
  // The spelling Brightcove's viewer uses; the collector folds it into annotation_end.
  annotation_end: 'Annotation Ended',
  annotation_action: 'Annotation Action',
};

/** Brightcove's names where title case alone would not give them. */
const BRIGHTCOVE_PROPS: Record<string, string> = {
  user_id: 'Partner User ID',
  username: 'Partner Username',
};

const BRIGHTCOVE_VALUES: Record<string, string> = {
  end_complete: 'End - Complete',
  end_under: 'End - Under',
  end_over: 'End - Over',
};

const titleCase = (name: string): string =>
  name
    .split('_')
    .map((w) => (w === 'id' ? 'ID' : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');

function cached(convert: (name: string) => string): (name: string) => string {
  const memo = new Map<string, string>();
  return (name) => {
    let out = memo.get(name);
    if (out === undefined) memo.set(name, (out = convert(name)));
    return out;
  };
}

const brightcove: Naming = {
  kind: (kind) => BRIGHTCOVE_KINDS[kind],
  prop: cached((name) => BRIGHTCOVE_PROPS[name] ?? titleCase(name)),
  value: cached((name) => BRIGHTCOVE_VALUES[name] ?? titleCase(name)),
};

const identity = (name: string) => name;
const tracker: Naming = { kind: identity, prop: identity, value: identity };

export function namingFor(sender: Sender): Naming {
  return sender === 'brightcove' ? brightcove : tracker;
}
