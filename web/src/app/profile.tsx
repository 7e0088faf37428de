// The profile page: the customer's contact details from the customer record.
// Demo mode has no GET /v1/me, so the record comes from the demo customer
// list. Values are personal data: only the labels are unredacted.
import { useFocusHeading } from '../shared/router';
import type { Customer } from '../shared/types';
import { Async, useResource, useTitle } from '../shared/ui';
import { api, currentSession } from './session';

export function ProfilePage() {
  useTitle('Profile', 'Loop');
  useFocusHeading('profile');
  const id = currentSession()?.customerId;
  const me = useResource(
    () =>
      api.get<{ customers: Customer[] }>('/v1/demo/customers').then((d) => {
        const c = d.customers.find((x) => x.customer_id === id);
        if (!c) throw new Error('Your customer record was not found.');
        return c;
      }),
    [id],
  );
  return (
    <main id="main">
      <div class="page-head">
        <h1 data-settle-unredact>Profile</h1>
        <p data-settle-unredact>How we reach you and where we send your orders.</p>
      </div>
      <Async resource={me} loadingLabel="Loading your profile…">
        {(c) => (
          <section class="card profile" aria-label="Contact details">
            <dl class="facts">
              <dt data-settle-unredact>Name</dt>
              <dd>{c.name}</dd>
              <dt data-settle-unredact>Email</dt>
              <dd data-settle-secret>{c.email}</dd>
              <dt data-settle-unredact>Phone</dt>
              <dd data-settle-secret>{c.phone}</dd>
              <dt data-settle-unredact>Address</dt>
              <dd data-settle-secret>
                <address>{c.address}</address>
              </dd>
              <dt data-settle-unredact>Customer number</dt>
              <dd class="mono">{c.customer_id}</dd>
            </dl>
          </section>
        )}
      </Async>
    </main>
  );
}
