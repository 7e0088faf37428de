// Demo sign-in: pick one of the seeded customers and get a token for them.
import { useState } from 'preact/hooks';
import { navigate, useFocusHeading } from '../shared/router';
import type { Customer } from '../shared/types';
import { Async, errorText, useResource, useTitle } from '../shared/ui';
import { api, startSession } from './session';

export function PickCustomer({ expired }: { expired: boolean }) {
  useTitle('Choose a demo customer', 'Loop');
  useFocusHeading('pick');
  const customers = useResource(() => api.get<{ customers: Customer[] }>('/v1/demo/customers'), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState('');

  async function pick(c: Customer) {
    setBusy(c.customer_id);
    setError('');
    try {
      const res = await api.post<{ token: string }>('/v1/demo/token', { customer_id: c.customer_id });
      startSession(res.token, c.customer_id, c.name);
      navigate('/app/purchases', { replace: true });
    } catch (e) {
      setError(errorText(e));
      setBusy(null);
    }
  }

  return (
    <main id="main" class="pick">
      <div class="page-head">
        <div>
          <h1 data-settle-unredact>Choose a demo customer</h1>
          <p>
            This is the demo of a lender's app with Settle built in. Pick a customer to see their purchases, payment plans and
            disputes, and to chat with the assistant.
          </p>
        </div>
      </div>
      {expired && <p class="alert alert-info">Your demo session ended. Pick a customer again.</p>}
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <Async
        resource={customers}
        loadingLabel="Loading demo customers…"
        isEmpty={(d) => d.customers.length === 0}
        empty={<p>There are no demo customers. Run <code>settle seed</code> and reload.</p>}
      >
        {(d) => (
          <ul class="list-plain customer-grid">
            {d.customers.map((c) => (
              <li key={c.customer_id}>
                <button type="button" class="customer-pick" onClick={() => pick(c)} disabled={busy !== null} aria-busy={busy === c.customer_id}>
                  <span class="customer-name">{c.name}</span>
                  <span class="muted small">
                    {c.customer_id} · {c.market}
                  </span>
                  {c.customer_id === 'cus_demo_01' && <span class="badge badge-info">Showcase orders</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Async>
      {customers.error && (customers.error as { status?: number }).status === 404 && (
        <p class="muted">The demo endpoints answer only when the server runs in demo mode (SETTLE_DEMO=1, as `make run` does).</p>
      )}
    </main>
  );
}
