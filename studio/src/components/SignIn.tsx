/**
 * Sign-in with a client ID and secret (an OAuth token is fetched from /v4/access_token) or with a
 * reporting API key. Nothing is stored: the credential lives in the page's memory.
 */
import { useState } from 'preact/hooks';
import { ApiError, Session, type Credential, type Me } from '../api.js';

export interface SignInProps {
  /** Why the user is here again (a refused credential, a sign-out). */
  message?: string | undefined;
  clientId?: string | undefined;
  onSignedIn: (session: Session, me: Me) => void;
}

export function SignIn({ message, clientId: initialClientId = '', onSignedIn }: SignInProps) {
  const [mode, setMode] = useState<Credential['kind']>('client');
  const [clientId, setClientId] = useState(initialClientId);
  const [clientSecret, setClientSecret] = useState('');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const credential: Credential =
      mode === 'client'
        ? { kind: 'client', clientId: clientId.trim(), clientSecret: clientSecret.trim() }
        : { kind: 'key', key: key.trim() };
    if (credential.kind === 'client' && (!credential.clientId || !credential.clientSecret)) {
      return setError('Enter both the client ID and the client secret.');
    }
    if (credential.kind === 'key' && !credential.key) return setError('Enter the API key.');
    setBusy(true);
    try {
      const { session, me } = await Session.signIn(credential);
      if (me.accounts.length === 0) return setError('This credential reaches no account.');
      onSignedIn(session, me);
    } catch (e) {
      if (!(e instanceof ApiError)) return setError(`Sign-in failed: ${String(e)}`);
      if (e.kind === 'rate-limited') {
        setError(
          `${e.message} Try again in ${e.retryAfter ?? 60} s: repeated failures are refused for a while.`,
        );
      } else setError(e.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin">
      <h1>Cuepoint Studio</h1>
      <p class="lead">Engagement reports and charts for your interactive videos.</p>
      {message ? (
        <p class="notice notice-warning" role="status">
          {message}
        </p>
      ) : null}
      <form onSubmit={submit} aria-describedby="signin-privacy">
        <fieldset class="choice">
          <legend>Sign in with</legend>
          <label>
            <input
              type="radio"
              name="mode"
              value="client"
              checked={mode === 'client'}
              onChange={() => setMode('client')}
            />{' '}
            Client ID and secret
          </label>
          <label>
            <input
              type="radio"
              name="mode"
              value="key"
              checked={mode === 'key'}
              onChange={() => setMode('key')}
            />{' '}
            Reporting API key
          </label>
        </fieldset>
        {mode === 'client' ? (
          <>
            <label class="field">
              Client ID
              <input
                name="client_id"
                autocomplete="username"
                spellcheck={false}
                value={clientId}
                onInput={(e) => setClientId(e.currentTarget.value)}
              />
            </label>
            <label class="field">
              Client secret
              <input
                name="client_secret"
                type="password"
                autocomplete="current-password"
                value={clientSecret}
                onInput={(e) => setClientSecret(e.currentTarget.value)}
              />
            </label>
          </>
        ) : (
          <label class="field">
            API key (sent as X-Hapyak-API-Key)
            <input
              name="api_key"
              type="password"
              autocomplete="off"
              value={key}
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          </label>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error ? (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
      <p id="signin-privacy" class="hint">
        Your credential stays in this tab’s memory only: nothing is saved in the browser, and
        reloading or closing the page signs you out.
      </p>
    </main>
  );
}
