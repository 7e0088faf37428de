// Purchases: the customer's orders with their payment plans, one order's
// details, and the "Report a problem" form (POST /v1/disputes).
import { useEffect, useState } from 'preact/hooks';
import { newIdempotencyKey } from '../shared/api';
import { formatDate, formatMoney } from '../shared/format';
import { Link, navigate, useFocusHeading } from '../shared/router';
import type { DisputeView, Order } from '../shared/types';
import { Async, Badge, ErrorMessage, Loading, errorText, useResource, useTitle } from '../shared/ui';
import { disputeStatus, openStatuses, orderEventText, planName, reasons } from '../shared/vocab';
import { Schedule, outstanding } from './schedule';
import { api, onDataChanged } from './session';

interface OrdersPage {
  orders: Order[];
  next_cursor: string;
}

function useDisputes() {
  const r = useResource(() => api.get<{ disputes: DisputeView[] }>('/v1/me/disputes').then((d) => d.disputes), []);
  useEffect(() => onDataChanged(r.reload), [r.reload]);
  return r;
}

function openDisputeFor(disputes: DisputeView[] | undefined, orderId: string): DisputeView | undefined {
  return disputes?.find((d) => d.order_id === orderId && openStatuses.has(d.status));
}

function nextPayment(o: Order) {
  return o.payment_plan.installments.find((i) => i.status === 'scheduled' || i.status === 'paused');
}

export function Purchases() {
  useTitle('Purchases', 'Loop');
  useFocusHeading('purchases');
  const [pages, setPages] = useState<OrdersPage[]>([]);
  const [more, setMore] = useState<{ loading: boolean; error?: Error }>({ loading: false });
  const first = useResource(() => api.get<OrdersPage>('/v1/me/orders?limit=20'), []);
  useEffect(() => onDataChanged(first.reload), [first.reload]);
  const disputes = useDisputes();

  async function loadMore(cursor: string) {
    setMore({ loading: true });
    try {
      const p = await api.get<OrdersPage>(`/v1/me/orders?limit=20&cursor=${encodeURIComponent(cursor)}`);
      setPages((ps) => [...ps, p]);
      setMore({ loading: false });
    } catch (e) {
      setMore({ loading: false, error: e as Error });
    }
  }

  return (
    <main id="main">
      <div class="page-head">
        <h1 data-settle-unredact>Purchases</h1>
        <p data-settle-unredact>Your orders and how you are paying for them.</p>
      </div>
      <Async
        resource={first}
        loadingLabel="Loading your purchases…"
        isEmpty={(p) => p.orders.length === 0}
        empty={<p>You have no purchases yet.</p>}
      >
        {(p) => {
          const all = [p, ...pages];
          const orders = all.flatMap((x) => x.orders);
          const cursor = all[all.length - 1].next_cursor;
          return (
            <>
              <ul class="list-plain order-list">
                {orders.map((o) => (
                  <OrderRow key={o.order_id} order={o} dispute={openDisputeFor(disputes.data, o.order_id)} />
                ))}
              </ul>
              {more.error && <ErrorMessage error={more.error} onRetry={() => loadMore(cursor)} />}
              {cursor && (
                <p>
                  <button type="button" class="button secondary" onClick={() => loadMore(cursor)} disabled={more.loading}>
                    {more.loading ? 'Loading…' : 'Show more purchases'}
                  </button>
                </p>
              )}
            </>
          );
        }}
      </Async>
    </main>
  );
}

function OrderRow({ order: o, dispute }: { order: Order; dispute?: DisputeView }) {
  const next = nextPayment(o);
  const first = o.items[0];
  const more = o.items.length - 1;
  return (
    <li class="card order-row">
      <div class="order-main">
        <h2 class="order-merchant">
          <Link href={`/app/purchases/${o.order_id}`} data-settle-unredact>
            {o.merchant_name}
          </Link>
        </h2>
        <p class="muted small">
          {first ? first.name : 'Order'}
          {more > 0 && ` and ${more} more`} · {formatDate(o.captured_at)} · <span class="mono">{o.merchant_order_ref}</span>
        </p>
      </div>
      <div class="order-side">
        <p class="order-total" data-settle-unredact>
          {formatMoney(o.captured_amount, o.currency)}
        </p>
        <p class="small" data-settle-unredact>
          {planName(o.payment_plan.type)}
          {next && (
            <>
              {' · '}
              {next.status === 'paused' ? (
                <Badge tone="paused">Paused</Badge>
              ) : (
                <>
                  next {formatMoney(next.amount_due, o.currency)} on {formatDate(next.due_date)}
                </>
              )}
            </>
          )}
          {!next && o.payment_plan.type !== 'pay_now' && ' · paid off'}
        </p>
        {dispute && (
          <p class="small" data-settle-unredact>
            <Badge tone={disputeStatus(dispute.status, o.merchant_name).tone}>Dispute: {disputeStatus(dispute.status, o.merchant_name).label}</Badge>
          </p>
        )}
      </div>
    </li>
  );
}

function useOrder(id: string) {
  const r = useResource(() => api.get<Order>(`/v1/me/orders/${encodeURIComponent(id)}`), [id]);
  useEffect(() => onDataChanged(r.reload), [r.reload]);
  return r;
}

export function OrderPage({ id }: { id: string }) {
  const order = useOrder(id);
  const disputes = useDisputes();
  useTitle(order.data ? `${order.data.merchant_name} order` : 'Order', 'Loop');
  useFocusHeading(`order-${id}`);
  const o = order.data;
  const orderDisputes = disputes.data?.filter((d) => d.order_id === id) ?? [];
  const open = orderDisputes.find((d) => openStatuses.has(d.status));
  return (
    <main id="main">
      <Link class="back" href="/app/purchases" data-settle-unredact>
        ← All purchases
      </Link>
      <div class="page-head">
        <h1 data-settle-unredact>{o ? `${o.merchant_name}` : 'Order'}</h1>
        {o && (
          <p>
            Order <span class="mono">{o.merchant_order_ref}</span> · {formatDate(o.captured_at)}
          </p>
        )}
      </div>
      <Async resource={order} loadingLabel="Loading the order…">
        {(o) => (
          <div class="grid grid-2 order-layout">
            <div>
              <section class="card" aria-labelledby="items-h">
                <h2 id="items-h" data-settle-unredact>
                  What you bought
                </h2>
                <table class="items">
                  <thead>
                    <tr>
                      <th scope="col">Item</th>
                      <th scope="col" class="num">
                        Qty
                      </th>
                      <th scope="col" class="num">
                        Price
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.items.map((it) => (
                      <tr key={it.sku}>
                        <td>{it.name}</td>
                        <td class="num">{it.quantity}</td>
                        <td class="num" data-settle-unredact>
                          {formatMoney(it.unit_amount * it.quantity, o.currency)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    {o.shipping_amount > 0 && (
                      <tr>
                        <td colSpan={2}>Shipping</td>
                        <td class="num" data-settle-unredact>
                          {formatMoney(o.shipping_amount, o.currency)}
                        </td>
                      </tr>
                    )}
                    {o.discount_amount > 0 && (
                      <tr>
                        <td colSpan={2}>Discount</td>
                        <td class="num" data-settle-unredact>
                          −{formatMoney(o.discount_amount, o.currency)}
                        </td>
                      </tr>
                    )}
                    <tr class="total">
                      <th scope="row" colSpan={2}>
                        Charged
                      </th>
                      <td class="num" data-settle-unredact>
                        {formatMoney(o.captured_amount, o.currency)}
                      </td>
                    </tr>
                  </tfoot>
                </table>
              </section>
              <section class="card" aria-labelledby="delivery-h">
                <h2 id="delivery-h" data-settle-unredact>
                  Delivery and returns
                </h2>
                {o.events.length === 0 ? (
                  <p class="muted">
                    No updates from {o.merchant_name} yet.
                    {o.expected_delivery_by && ` Expected by ${formatDate(o.expected_delivery_by)}.`}
                  </p>
                ) : (
                  <ol class="timeline">
                    {[...o.events]
                      .sort((a, b) => a.at.localeCompare(b.at))
                      .map((e) => (
                        <li key={e.id}>
                          <time dateTime={e.at}>{formatDate(e.at)}</time>
                          <span data-settle-unredact>{orderEventText(e.type)}</span>
                          {e.amount != null && <span data-settle-unredact> · {formatMoney(e.amount, o.currency)}</span>}
                          {e.carrier && <span class="small muted"> · {e.carrier}</span>}
                        </li>
                      ))}
                  </ol>
                )}
              </section>
            </div>
            <div>
              <section class="card" aria-labelledby="plan-h">
                <div class="spread">
                  <h2 id="plan-h" data-settle-unredact>
                    {planName(o.payment_plan.type)}
                  </h2>
                  <span class="small muted" data-settle-unredact>
                    Left to pay {formatMoney(outstanding(o.payment_plan), o.currency)}
                  </span>
                </div>
                <Schedule plan={o.payment_plan} currency={o.currency} />
              </section>
              <section class="card" aria-labelledby="problem-h">
                <h2 id="problem-h" data-settle-unredact>
                  Something wrong?
                </h2>
                {disputes.error && <ErrorMessage error={disputes.error} onRetry={disputes.reload} />}
                {orderDisputes.length > 0 && (
                  <ul class="list-plain stack">
                    {orderDisputes.map((d) => {
                      const st = disputeStatus(d.status, o.merchant_name);
                      return (
                        <li key={d.id} class="spread">
                          <Link href={`/app/disputes/${d.id}`} data-settle-unredact>
                            Dispute opened {formatDate(d.created_at)}
                          </Link>
                          <Badge tone={st.tone} data-settle-unredact>
                            {st.label}
                          </Badge>
                        </li>
                      );
                    })}
                  </ul>
                )}
                {open ? (
                  <p class="small muted">You already have an open dispute for this order.</p>
                ) : (
                  <>
                    <p>If the order didn't arrive, you returned it, or you were charged wrongly, tell us. We pause your payments while we sort it out.</p>
                    <Link class="button" href={`/app/purchases/${o.order_id}/report`} data-settle-unredact>
                      Report a problem
                    </Link>
                  </>
                )}
              </section>
            </div>
          </div>
        )}
      </Async>
    </main>
  );
}

export function ReportProblem({ id }: { id: string }) {
  const order = useOrder(id);
  useTitle('Report a problem', 'Loop');
  useFocusHeading(`report-${id}`);
  const [reason, setReason] = useState('');
  const [sub, setSub] = useState('');
  const [description, setDescription] = useState('');
  const [wantsHuman, setWantsHuman] = useState(false);
  const [state, setState] = useState<{ busy: boolean; error?: string; field?: string }>({ busy: false });
  const chosen = reasons.find((r) => r.code === reason);

  async function submit(e: Event) {
    e.preventDefault();
    if (!reason) {
      setState({ busy: false, error: 'Choose what went wrong.', field: 'reason' });
      document.querySelector<HTMLInputElement>('input[name="reason"]')?.focus();
      return;
    }
    setState({ busy: true });
    try {
      const d = await api.post<DisputeView>(
        '/v1/disputes',
        { order_id: id, reason, sub_reason: sub || undefined, description: description.trim(), wants_human: wantsHuman || undefined },
        { idempotencyKey: newIdempotencyKey() },
      );
      navigate(`/app/disputes/${d.id}?new=1`);
    } catch (err) {
      setState({ busy: false, error: errorText(err), field: (err as { field?: string }).field });
    }
  }

  return (
    <main id="main">
      <Link class="back" href={`/app/purchases/${id}`} data-settle-unredact>
        ← Back to the order
      </Link>
      <div class="page-head">
        <h1 data-settle-unredact>Report a problem</h1>
        {order.data && (
          <p data-settle-unredact>
            {order.data.merchant_name} · {formatMoney(order.data.captured_amount, order.data.currency)}
          </p>
        )}
      </div>
      {order.error && <ErrorMessage error={order.error} onRetry={order.reload} />}
      {!order.data && !order.error && <Loading />}
      {order.data && (
        <form class="card report-form" onSubmit={submit} noValidate>
          {state.error && (
            <p class="alert alert-error" role="alert" id="report-error">
              {state.error}
            </p>
          )}
          <fieldset aria-describedby={state.field === 'reason' ? 'report-error' : undefined}>
            <legend data-settle-unredact>What went wrong?</legend>
            {reasons.map((r) => (
              <label class="radio" key={r.code} data-settle-unredact>
                <input
                  type="radio"
                  name="reason"
                  value={r.code}
                  checked={reason === r.code}
                  onChange={() => {
                    setReason(r.code);
                    setSub('');
                  }}
                />
                <span>{r.label}</span>
              </label>
            ))}
          </fieldset>
          {chosen?.subs && (
            <div class="field">
              <label for="sub" data-settle-unredact>
                Tell us a little more <span class="muted">(optional)</span>
              </label>
              <select id="sub" value={sub} onChange={(e) => setSub((e.target as HTMLSelectElement).value)}>
                <option value="">Choose one…</option>
                {chosen.subs.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.label}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div class="field">
            <label for="description" data-settle-unredact>
              Describe what happened
            </label>
            <textarea
              id="description"
              maxLength={4000}
              value={description}
              aria-invalid={state.field === 'description'}
              aria-describedby="description-hint"
              onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)}
            />
            <p class="hint" id="description-hint">
              Dates, tracking numbers and what the store told you help us decide faster. Never include your card number.
            </p>
          </div>
          <label class="radio">
            <input type="checkbox" checked={wantsHuman} onChange={(e) => setWantsHuman((e.target as HTMLInputElement).checked)} />
            <span>I'd like a person to handle this</span>
          </label>
          <p class="small muted">When you send this, we pause the remaining payments for this order while we look into it.</p>
          <div class="row">
            <button type="submit" class="button" disabled={state.busy}>
              {state.busy ? 'Sending…' : 'Send report'}
            </button>
            <Link class="button secondary" href={`/app/purchases/${id}`}>
              Cancel
            </Link>
          </div>
        </form>
      )}
    </main>
  );
}
