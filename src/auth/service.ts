// STUB — to be replaced by the auth work. The interface below is what the rest of the program uses.
import type { Config } from '../config.js';
import type { Scope } from '../domain/scopes.js';
import type { Store } from '../store/store.js';
import type { Authenticator } from './principal.js';

export interface AuthService extends Authenticator {
  /** Signs a token for a stored credential without checking its secret (demo output, tests). */
  signToken(credential: {
    client_id: string;
    accounts: string[];
    scopes: Scope[];
  }): Promise<string>;
}

export function createAuthService(_store: Store, _config: Config): AuthService {
  const todo = async (): Promise<never> => {
    throw new Error('auth not implemented yet');
  };
  return { reader: todo, writer: todo, signToken: todo };
}
