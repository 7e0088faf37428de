// The ops console: sign-in, then outcomes, metrics, rules, screen-share
// recordings and a dispute's audit log.
import { Link, match, navigate, useLocation } from '../shared/router';
import { DisputeAudit } from './dispute';
import { Login } from './login';
import { MetricsPage } from './metrics';
import { Outcomes } from './outcomes';
import { RecordingPage, Recordings } from './recordings';
import { RulesPage } from './rules';
import { currentStaff, signOut } from './session';

export function App() {
  const loc = useLocation();
  const staff = currentStaff();
  if (!staff) {
    if (!match('/ops/login', loc.path)) {
      const next = loc.path === '/ops/' ? '' : `?next=${encodeURIComponent(loc.path + location.search)}`;
      queueMicrotask(() => navigate(`/ops/login${next}`, { replace: true }));
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
      <Page path={loc.path} q={loc.query} />
    </>
  );
}

function Page({ path, q }: { path: string; q: URLSearchParams }) {
  let p: Record<string, string> | null;
  if (path === '/ops/' || path === '/ops' || match('/ops/login', path)) {
    queueMicrotask(() => navigate('/ops/outcomes', { replace: true }));
    return null;
  }
  if (match('/ops/outcomes', path)) return <Outcomes q={q} />;
  if (match('/ops/metrics', path)) return <MetricsPage q={q} />;
  if (match('/ops/rules', path)) return <RulesPage />;
  if (match('/ops/recordings', path)) return <Recordings q={q} />;
  if ((p = match('/ops/recordings/:id', path))) return <RecordingPage id={p.id} />;
  if ((p = match('/ops/disputes/:id', path))) return <DisputeAudit id={p.id} />;
  return (
    <main id="main">
      <h1>Page not found</h1>
      <p>
        Go to the <Link href="/ops/outcomes">outcomes</Link>.
      </p>
    </main>
  );
}

function Header({ email }: { email?: string }) {
  return (
    <header class="topbar ops-topbar">
      <div class="topbar-inner">
        <a class="brand" href="/ops/">
          <span class="brand-mark" aria-hidden="true">
            S
          </span>
          Settle ops
        </a>
        {email && (
          <nav aria-label="Main">
            <ul class="nav">
              <li>
                <Link section href="/ops/outcomes">
                  Outcomes
                </Link>
              </li>
              <li>
                <Link section href="/ops/metrics">
                  Metrics
                </Link>
              </li>
              <li>
                <Link section href="/ops/rules">
                  Rules
                </Link>
              </li>
              <li>
                <Link section href="/ops/recordings">
                  Recordings
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
