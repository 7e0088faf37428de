// The customer demo app: the shell (header, navigation, chat) and its routes.
import { Link, match, navigate, useLocation } from '../shared/router';
import { CardPage } from './card';
import { ChatWidget } from './chat';
import { ShareScreen, stopCobrowse } from './cobrowse';
import { DisputePage, Disputes } from './disputes';
import { PickCustomer } from './pick';
import { ProfilePage } from './profile';
import { OrderPage, Purchases, ReportProblem } from './purchases';
import { currentSession, endSession } from './session';

export function App() {
  const loc = useLocation();
  const session = currentSession();
  if (!session) {
    if (loc.path !== '/app/' && loc.path !== '/app') {
      queueMicrotask(() => navigate('/app/', { replace: true }));
      return null;
    }
    return (
      <>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <Header />
        <PickCustomer expired={loc.query.has('expired')} />
      </>
    );
  }
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header name={session.name} customerId={session.customerId} />
      <Route path={loc.path} query={loc.query} />
      <ChatWidget key={session.customerId} />
    </>
  );
}

function Route({ path, query }: { path: string; query: URLSearchParams }) {
  let p: Record<string, string> | null;
  if (path === '/app/' || path === '/app') {
    queueMicrotask(() => navigate('/app/purchases', { replace: true }));
    return null;
  }
  if (match('/app/purchases', path)) return <Purchases />;
  if ((p = match('/app/purchases/:id/report', path))) return <ReportProblem id={p.id} />;
  if ((p = match('/app/purchases/:id', path))) return <OrderPage id={p.id} />;
  if (match('/app/disputes', path)) return <Disputes />;
  if ((p = match('/app/disputes/:id', path))) return <DisputePage id={p.id} isNew={query.has('new')} />;
  if (match('/app/card', path)) return <CardPage />;
  if (match('/app/profile', path)) return <ProfilePage />;
  return (
    <main id="main">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. Go to your <Link section href="/app/purchases">purchases</Link>.
      </p>
    </main>
  );
}

function Header({ name, customerId }: { name?: string; customerId?: string }) {
  return (
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href="/app/" data-settle-unredact>
          <span class="brand-mark" aria-hidden="true">
            L
          </span>
          Loop
        </a>
        {name && (
          <nav aria-label="Main" data-settle-unredact>
            <ul class="nav">
              <li>
                <Link section href="/app/purchases">Purchases</Link>
              </li>
              <li>
                <Link section href="/app/disputes">Disputes</Link>
              </li>
              <li>
                <Link section href="/app/card">Card</Link>
              </li>
              <li>
                <Link section href="/app/profile">Profile</Link>
              </li>
            </ul>
          </nav>
        )}
        <div class="topbar-end">
          {name ? (
            <>
              {customerId && <ShareScreen customerId={customerId} />}
              <span class="who">{name}</span>
              <button
                type="button"
                class="button secondary small"
                onClick={() => {
                  stopCobrowse();
                  endSession();
                  navigate('/app/', { replace: true });
                }}
                data-settle-unredact
              >
                Switch customer
              </button>
            </>
          ) : (
            <span class="muted" data-settle-unredact>
              Settle demo
            </span>
          )}
        </div>
      </div>
    </header>
  );
}
