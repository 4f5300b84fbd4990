/**
 * The shapes of the secrets we hand out. API keys embed their public `key_id`, so a presented key
 * is looked up by ID and then checked against one hash, never compared against every stored hash:
 * `cpw_<key_id>_<secret>` (write) and `cpr_<key_id>_<secret>` (reporting). The prefix also lets a
 * write key sent where a reading credential belongs be told apart from a token.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { KeyType } from '../store/store.js';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const KEY_ID_LENGTH = 16;
const CLIENT_ID_LENGTH = 24;
/** 32 random bytes: 256 bits, beyond guessing whatever the hash. */
const SECRET_BYTES = 32;

const PREFIX: Record<KeyType, string> = { write: 'cpw', reporting: 'cpr' };
const KEY_PATTERN = /^(cpw|cpr)_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

/** Random lowercase letters and digits: safe in URLs, headers and the `_`-separated key format. */
export function randomId(length: number): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

export function randomSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

export function newClientId(): string {
  return randomId(CLIENT_ID_LENGTH);
}

export interface NewKey {
  keyId: string;
  secret: string;
  /** What the user is given, once. */
  key: string;
}

export function newApiKey(type: KeyType): NewKey {
  const keyId = randomId(KEY_ID_LENGTH);
  const secret = randomSecret();
  return { keyId, secret, key: `${PREFIX[type]}_${keyId}_${secret}` };
}

export interface ParsedKey {
  type: KeyType;
  keyId: string;
  secret: string;
}

/** Splits a presented key; null when it does not have the shape of one of ours. */
export function parseApiKey(text: string): ParsedKey | null {
  const match = KEY_PATTERN.exec(text);
  if (!match) return null;
  return {
    type: match[1] === PREFIX.write ? 'write' : 'reporting',
    keyId: match[2] ?? '',
    secret: match[3] ?? '',
  };
}

/** Whether a bearer value claims to be one of our keys (even a damaged one), not a token. */
export function looksLikeApiKey(text: string): boolean {
  return /^cp[wr]_/.test(text);
}
