// Dispute status: the customer's disputes and one dispute's timeline with the
// order's current payment schedule.
import { useEffect, useState } from 'preact/hooks';
import { newIdempotencyKey } from '../shared/api';
import { formatDate, formatDateTime, formatMoney } from '../shared/format';
import { Link, useFocusHeading } from '../shared/router';
import type { DisputeView } from '../shared/types';
import { Async, Badge, errorText, useResource, useTitle } from '../shared/ui';
import { disputeStatus, openStatuses, reasonShort, reasons } from '../shared/vocab';
import { Schedule } from './schedule';
import { api, onDataChanged } from './session';

export function Disputes() {
  useTitle('Disputes', 'Loop');
  useFocusHeading('disputes');
  const list = useResource(() => api.get<{ disputes: DisputeView[] }>('/v1/me/disputes').then((d) => d.disputes), []);
  useEffect(() => onDataChanged(list.reload), [list.reload]);
  return (
    <main id="main">
      <div class="page-head">
        <h1 data-settle-unredact>Disputes</h1>
        <p data-settle-unredact>Problems you've reported and where they stand.</p>
      </div>
      <Async
        resource={list}
        loadingLabel="Loading your disputes…"
        isEmpty={(d) => d.length === 0}
        empty={
          <p>
            You haven't reported any problems. If something is wrong with an order, open it from <Link href="/app/purchases">Purchases</Link>{' '}
            and choose "Report a problem", or ask the assistant.
          </p>
        }
      >
        {(ds) => (
          <ul class="list-plain">
            {ds.map((d) => {
              const st = disputeStatus(d.status, d.merchant_name);
              return (
                <li key={d.id} class="card dispute-row">
                  <div>
                    <h2 class="order-merchant">
                      <Link href={`/app/disputes/${d.id}`} data-settle-unredact>
                        {d.merchant_name}: {reasonShort(d.reason)}
                      </Link>
                    </h2>
                    <p class="small muted">
                      Order <span class="mono">{d.merchant_order_ref}</span> · reported {formatDate(d.created_at)}
                      {d.deadline_at && openStatuses.has(d.status) && <> · next step by {formatDate(d.deadline_at)}</>}
                    </p>
                  </div>
                  <div class="row">
                    {d.payments_paused && (
                      <Badge tone="paused" data-settle-unredact>
                        Payments paused
                      </Badge>
                    )}
                    <Badge tone={st.tone} data-settle-unredact>
                      {st.label}
                    </Badge>
                    <span data-settle-unredact>{formatMoney(d.amount, d.currency)}</span>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Async>
    </main>
  );
}

function outcomeText(d: DisputeView): string {
  switch (d.outcome) {
    case 'customer_favor':
      return `Decided in your favour${d.outcome_amount ? `: ${formatMoney(d.outcome_amount, d.currency)} taken off your plan` : ''}.`;
    case 'partial':
      return `Decided partly in your favour${d.outcome_amount ? `: ${formatMoney(d.outcome_amount, d.currency)} taken off your plan` : ''}.`;
    case 'merchant_favor':
      return "Decided in the merchant's favour. Your remaining payments have resumed.";
  }
  return '';
}

export function DisputePage({ id, isNew }: { id: string; isNew: boolean }) {
  const res = useResource(() => api.get<DisputeView>(`/v1/disputes/${encodeURIComponent(id)}`), [id]);
  useEffect(() => onDataChanged(res.reload), [res.reload]);
  useTitle(res.data ? `Dispute with ${res.data.merchant_name}` : 'Dispute', 'Loop');
  useFocusHeading(`dispute-${id}`);
  const d = res.data;
  return (
    <main id="main">
      <Link class="back" href="/app/disputes" data-settle-unredact>
        ← All disputes
      </Link>
      <div class="page-head">
        <h1 data-settle-unredact>{d ? `${d.merchant_name}: ${reasonShort(d.reason)}` : 'Dispute'}</h1>
        {d && (
          <p>
            Order <span class="mono">{d.merchant_order_ref}</span> · reported {formatDate(d.created_at)}
          </p>
        )}
      </div>
      {isNew && d && (
        <p class="alert alert-good" role="status">
          Thanks — we've received your report.
          {d.payments_paused && ' Your remaining payments for this order are paused while we look into it.'}
        </p>
      )}
      <Async resource={res} loadingLabel="Loading the dispute…">
        {(d) => <DisputeDetail d={d} onChange={res.set} />}
      </Async>
    </main>
  );
}

function DisputeDetail({ d, onChange }: { d: DisputeView; onChange: (d: DisputeView) => void }) {
  const st = disputeStatus(d.status, d.merchant_name);
  const reason = reasons.find((r) => r.code === d.reason);
  const sub = reason?.subs?.find((s) => s.code === d.sub_reason);
  const outcome = outcomeText(d);
  return (
    <div class="grid grid-2">
      <div>
        <section class="card" aria-labelledby="status-h">
          <h2 id="status-h" data-settle-unredact>
            Status
          </h2>
          <p class="row">
            <Badge tone={st.tone} data-settle-unredact>
              {st.label}
            </Badge>
            {d.payments_paused && (
              <Badge tone="paused" data-settle-unredact>
                Payments paused
              </Badge>
            )}
          </p>
          {outcome && <p data-settle-unredact>{outcome}</p>}
          <dl class="facts">
            <dt>Problem</dt>
            <dd data-settle-unredact>
              {reason?.label ?? reasonShort(d.reason)}
              {sub && <div class="small muted">{sub.label}</div>}
            </dd>
            <dt>Amount in dispute</dt>
            <dd data-settle-unredact>{formatMoney(d.amount, d.currency)}</dd>
            {d.deadline_at && openStatuses.has(d.status) && (
              <>
                <dt>Next step by</dt>
                <dd data-settle-unredact>{formatDate(d.deadline_at)}</dd>
              </>
            )}
            {d.closed_at && (
              <>
                <dt>Closed</dt>
                <dd data-settle-unredact>{formatDate(d.closed_at)}</dd>
              </>
            )}
            <dt>Order</dt>
            <dd>
              <Link href={`/app/purchases/${d.order_id}`} data-settle-unredact>
                View the order
              </Link>
            </dd>
          </dl>
          {d.description && (
            <>
              <h3 class="mt">What you told us</h3>
              <p class="quote">{d.description}</p>
            </>
          )}
          {openStatuses.has(d.status) && <Withdraw id={d.id} onDone={onChange} />}
        </section>
        <section class="card" aria-labelledby="timeline-h">
          <h2 id="timeline-h" data-settle-unredact>
            Timeline
          </h2>
          {d.timeline.length === 0 ? (
            <p class="muted">Nothing has happened yet.</p>
          ) : (
            <ol class="timeline">
              {d.timeline.map((t, i) => (
                <li key={i}>
                  <time dateTime={t.at} data-settle-unredact>
                    {formatDateTime(t.at)}
                  </time>
                  <span data-settle-unredact>{t.text}</span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      <section class="card" aria-labelledby="schedule-h">
        <h2 id="schedule-h" data-settle-unredact>
          Payment schedule
        </h2>
        <Schedule plan={d.payment_plan} currency={d.currency} />
      </section>
    </div>
  );
}

function Withdraw({ id, onDone }: { id: string; onDone: (d: DisputeView) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  async function withdraw() {
    setState({ busy: true });
    try {
      onDone(await api.post<DisputeView>(`/v1/disputes/${encodeURIComponent(id)}/withdraw`, {}, { idempotencyKey: newIdempotencyKey() }));
    } catch (e) {
      setState({ busy: false, error: errorText(e) });
    }
  }
  if (!confirming)
    return (
      <p class="mt">
        <button type="button" class="link-button" onClick={() => setConfirming(true)}>
          Withdraw this dispute
        </button>
      </p>
    );
  return (
    <div class="confirm mt" role="group" aria-labelledby="withdraw-q">
      <p id="withdraw-q">Withdraw the dispute? Your payments resume on their new dates.</p>
      {state.error && (
        <p class="alert alert-error" role="alert">
          {state.error}
        </p>
      )}
      <div class="row">
        <button type="button" class="button danger small" onClick={withdraw} disabled={state.busy}>
          {state.busy ? 'Withdrawing…' : 'Yes, withdraw'}
        </button>
        <button type="button" class="button secondary small" onClick={() => setConfirming(false)}>
          Keep it open
        </button>
      </div>
    </div>
  );
}
