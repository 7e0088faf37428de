// The agent console: sign-in, the live queue, a case (handoff packet, chat
// takeover, screen share, knowledge search, decision), and policy search.
import { Link, match, navigate, useLocation } from '../shared/router';
import { CasePage } from './case';
import { HandoffPage } from './handoff';
import { Login } from './login';
import { QueuePage } from './queue';
import { SearchPage } from './search';
import { currentStaff, signOut } from './session';

export function App() {
  const loc = useLocation();
  const staff = currentStaff();
  if (!staff) {
    if (!match('/agent/login', loc.path)) {
      const next = loc.path === '/agent/' ? '' : `?next=${encodeURIComponent(loc.path + location.search)}`;
      queueMicrotask(() => navigate(`/agent/login${next}`, { replace: true }));
      return null;
    }
    return (
      <>
        <Header />
        <Login expired={loc.query.has('expired')} next={loc.query.get('next') ?? ''} />
      </>
    );
  }
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header email={staff.email} />
      <Page path={loc.path} q={loc.query} staffId={staff.id} />
    </>
  );
}

function Page({ path, q, staffId }: { path: string; q: URLSearchParams; staffId: string }) {
  let p: Record<string, string> | null;
  if (path === '/agent/' || path === '/agent' || match('/agent/login', path)) {
    queueMicrotask(() => navigate('/agent/queue', { replace: true }));
    return null;
  }
  if (match('/agent/queue', path)) return <QueuePage />;
  if ((p = match('/agent/cases/:id', path))) return <CasePage key={p.id} id={p.id} staffId={staffId} />;
  if ((p = match('/agent/handoffs/:id', path))) return <HandoffPage key={p.id} id={p.id} staffId={staffId} />;
  if (match('/agent/search', path)) return <SearchPage q={q.get('q') ?? ''} />;
  return (
    <main id="main">
      <h1>Page not found</h1>
      <p>
        Go to the <Link href="/agent/queue">queue</Link>.
      </p>
    </main>
  );
}

function Header({ email }: { email?: string }) {
  return (
    <header class="topbar agent-topbar">
      <div class="topbar-inner">
        <a class="brand" href="/agent/">
          <span class="brand-mark" aria-hidden="true">
            S
          </span>
          Settle agent
        </a>
        {email && (
          <nav aria-label="Main">
            <ul class="nav">
              <li>
                <Link section href="/agent/queue">
                  Queue
                </Link>
              </li>
              <li>
                <Link section href="/agent/search">
                  Policy search
                </Link>
              </li>
            </ul>
          </nav>
        )}
        {email && (
          <div class="topbar-end">
            <span>{email}</span>
            <button type="button" class="button secondary small" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        )}
      </div>
    </header>
  );
}
