/**
 * The Studio: the sign-in form until a credential works, then the account, the settings, the
 * list of reports and the report on screen. A refused credential (revoked, or a key removed)
 * brings the sign-in form back with the server's reason.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Me, Session } from './api.js';
import { ReportView } from './components/ReportView.js';
import { Settings } from './components/Settings.js';
import { SignIn } from './components/SignIn.js';
import { Studio, type StudioContext } from './hooks.js';
import { presetRange, type Query } from './query.js';
import { REPORTS, type ReportId } from './reports.js';

const DEFAULT_RANGE = 30;

function ReportNav({ current, onOpen }: { current: ReportId; onOpen: (id: ReportId) => void }) {
  const groups = [...new Set(REPORTS.map((r) => r.group))];
  return (
    <nav class="report-nav" aria-label="Reports">
      {groups.map((group) => (
        <div>
          <h2 class="nav-group">{group}</h2>
          <ul>
            {REPORTS.filter((r) => r.group === group).map((r) => (
              <li>
                <button
                  type="button"
                  data-report={r.id}
                  aria-current={r.id === current ? 'page' : undefined}
                  onClick={() => onOpen(r.id)}
                >
                  {r.title}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

function Workspace({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const [query, setQuery] = useState<Query>(() => ({
    accountId: me.accounts[0]!,
    ...presetRange(DEFAULT_RANGE),
    projectIds: [],
    experienceIds: [],
  }));
  const [report, setReport] = useState<ReportId>('daily_engagement_summary');
  const moved = useRef(false);
  // After the user opens another report, take focus to its title (screen readers announce it).
  useEffect(() => {
    if (moved.current) document.getElementById('report-title')?.focus();
  }, [report]);

  return (
    <div class="studio">
      <header class="topbar">
        <h1>Cuepoint Studio</h1>
        <label class="field inline">
          Account
          <select
            name="account"
            value={query.accountId}
            onChange={(e) =>
              setQuery({
                ...query,
                accountId: e.currentTarget.value,
                projectIds: [],
                experienceIds: [],
              })
            }
          >
            {me.accounts.map((a) => (
              <option value={a}>{a}</option>
            ))}
          </select>
        </label>
        <span class="who">
          {me.type === 'token' ? 'Signed in with a client credential' : 'Signed in with an API key'}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <Settings key={query.accountId} applied={query} onApply={setQuery} />
      <div class="layout">
        <ReportNav
          current={report}
          onOpen={(id) => {
            moved.current = true;
            setReport(id);
          }}
        />
        <main class="report-main">
          <ReportView report={report} query={query} />
        </main>
      </div>
    </div>
  );
}

export function App() {
  const [auth, setAuth] = useState<{ session: Session; me: Me } | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const context = useMemo<StudioContext | undefined>(
    () =>
      auth && {
        session: auth.session,
        signOut: (reason) => {
          setAuth(undefined);
          setMessage(reason ? `Your session has ended (${reason}). Sign in again.` : undefined);
        },
      },
    [auth],
  );
  if (!auth || !context) {
    return (
      <SignIn
        message={message}
        onSignedIn={(session, me) => {
          setMessage(undefined);
          setAuth({ session, me });
        }}
      />
    );
  }
  return (
    <Studio.Provider value={context}>
      <Workspace me={auth.me} onSignOut={() => context.signOut()} />
    </Studio.Provider>
  );
}
