// The handoff packet's parts (DESIGN.md §4), as the case view shows them.
import { formatDate, formatDateTime, formatMoney, formatPercent, humanize } from '../shared/format';
import { Fragment } from 'preact';
import type { Order, PaymentPlan } from '../shared/types';
import { Badge } from '../shared/ui';
import { installmentStatus, orderEventText, planName } from '../shared/vocab';
import { type Decision, type Packet, citationHref } from './model';
import { categoryTone } from './queue';

export function SummaryCard({ packet, category, decisions, currency }: { packet: Packet; category: string; decisions: Decision[]; currency: string }) {
  const rec = packet.recommendation ?? fromDecision(decisions);
  const flags = [...new Set(packet.risk_flags ?? [])];
  return (
    <section class="card" aria-labelledby="summary-h">
      <h2 id="summary-h">Summary</h2>
      <p class="lead">{packet.summary || 'No summary was written for this handoff.'}</p>
      <dl class="facts">
        <dt>Handed over because</dt>
        <dd>
          <Badge tone={categoryTone(category)}>{humanize(category)}</Badge>
        </dd>
        {packet.note && (
          <>
            <dt>Note</dt>
            <dd class="note">“{packet.note}”</dd>
          </>
        )}
        <dt>Risk flags</dt>
        <dd>
          {flags.length ? (
            <ul class="list-plain row" aria-label="Risk flags">
              {flags.map((f) => (
                <li key={f}>
                  <Badge tone="warn">{humanize(f)}</Badge>
                </li>
              ))}
            </ul>
          ) : (
            <span class="muted">None</span>
          )}
        </dd>
        <dt>Engine recommends</dt>
        <dd>
          {rec ? (
            <>
              <strong>{humanize(rec.outcome || rec.action || '')}</strong>
              {rec.rule_id && <span class="mono small muted"> · rule {rec.rule_id}</span>}
              {'amount' in rec && typeof rec.amount === 'number' && rec.amount > 0 && <> · {formatMoney(rec.amount, currency)}</>}
              {rec.explanation && <div class="small">{rec.explanation}</div>}
            </>
          ) : (
            <span class="muted">No recommendation: a person decides this case.</span>
          )}
        </dd>
        {packet.bot_understanding?.confidence != null && (
          <>
            <dt>Bot's confidence</dt>
            <dd>
              {humanize(packet.bot_understanding.reason ?? '')} · {formatPercent(packet.bot_understanding.confidence)}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function fromDecision(decisions: Decision[]): (Packet['recommendation'] & { amount?: number }) | null {
  const d = [...decisions].reverse().find((x) => x.decided_by === 'rule');
  if (!d) return null;
  const detail = (d as unknown as { detail?: { explanation?: string } }).detail;
  return { action: d.action, outcome: d.outcome, rule_id: `${d.rule_id}@${d.rule_version}`, explanation: detail?.explanation, amount: d.amount };
}

const MONEY_FACT = /amount|total/;
const TIME_FACT = /_at$|_by$/;

export function FactsCard({ packet, currency }: { packet: Packet; currency: string }) {
  const facts = Object.entries(packet.facts ?? {});
  const said = packet.bot_understanding?.facts ?? [];
  return (
    <section class="card" aria-labelledby="facts-h">
      <h2 id="facts-h">Facts</h2>
      {facts.length === 0 && said.length === 0 && <p class="state state-empty">No facts were recorded.</p>}
      {facts.length > 0 && (
        <dl class="facts">
          {facts.map(([k, v]) => (
            <Fragment key={k}>
              <dt>{humanize(k)}</dt>
              <dd>{fact(k, v, currency)}</dd>
            </Fragment>
          ))}
        </dl>
      )}
      {said.length > 0 && (
        <>
          <h3>What the customer told the assistant</h3>
          <ul class="said">
            {said.map((s, i) => (
              <li key={i}>“{s}”</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function fact(k: string, v: unknown, currency: string) {
  if (v === null || v === undefined || v === '') return <span class="muted">—</span>;
  if (typeof v === 'number' && MONEY_FACT.test(k)) return formatMoney(v, currency);
  if (typeof v === 'string' && TIME_FACT.test(k)) return formatDateTime(v);
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'object') return <code>{JSON.stringify(v)}</code>;
  return String(v);
}

export function OrderCard({ order }: { order: Order }) {
  const c = order.currency;
  return (
    <section class="card" aria-labelledby="order-h">
      <h2 id="order-h">Order and plan</h2>
      <p>
        <strong>{order.merchant_name}</strong> · order <span class="mono">{order.merchant_order_ref}</span> · captured {formatMoney(order.captured_amount, c)} on{' '}
        {formatDate(order.captured_at)}
      </p>
      <div class="table-wrap">
        <table class="compact">
          <caption class="visually-hidden">Items</caption>
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
            {order.items.map((it) => (
              <tr key={it.sku}>
                <th scope="row">
                  {it.name} <span class="small muted mono">{it.sku}</span>
                </th>
                <td class="num">{it.quantity}</td>
                <td class="num">{formatMoney(it.unit_amount * it.quantity, c)}</td>
              </tr>
            ))}
            {order.shipping_amount > 0 && (
              <tr>
                <th scope="row">Shipping</th>
                <td />
                <td class="num">{formatMoney(order.shipping_amount, c)}</td>
              </tr>
            )}
            {order.discount_amount > 0 && (
              <tr>
                <th scope="row">Discount</th>
                <td />
                <td class="num">−{formatMoney(order.discount_amount, c)}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {order.events.length > 0 && (
        <>
          <h3>Order events</h3>
          <ul class="list-plain order-events small">
            {order.events.map((e) => (
              <li key={e.id}>
                <time dateTime={e.at}>{formatDateTime(e.at)}</time> · {orderEventText(e.type)}
                {e.carrier && ` · ${e.carrier}`}
                {e.tracking_number && <span class="mono"> {e.tracking_number}</span>}
                {typeof e.amount === 'number' && e.amount > 0 && ` · ${formatMoney(e.amount, c)}`}
              </li>
            ))}
          </ul>
        </>
      )}
      <PlanTable plan={order.payment_plan} currency={c} />
    </section>
  );
}

export function PlanTable({ plan, currency }: { plan: PaymentPlan; currency: string }) {
  return (
    <>
      <h3>{planName(plan.type)}</h3>
      <div class="table-wrap">
        <table class="compact plan">
          <caption class="visually-hidden">Payment plan</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Due</th>
              <th scope="col" class="num">
                Amount
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {plan.installments.map((i) => {
              const st = installmentStatus(i.status);
              return (
                <tr key={i.seq}>
                  <td>{i.seq}</td>
                  <td>{formatDate(i.due_date)}</td>
                  <td class="num">
                    {formatMoney(i.amount, currency)}
                    {i.refunded_amount > 0 && <div class="small muted">{formatMoney(i.refunded_amount, currency)} refunded</div>}
                    {i.late_fee > 0 && <div class="small bad">+ {formatMoney(i.late_fee, currency)} late fee</div>}
                  </td>
                  <td>
                    <Badge tone={st.tone}>{st.label}</Badge>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function CitedPolicyCard({ packet, decisions }: { packet: Packet; decisions: Decision[] }) {
  const cites = [...new Set([...(packet.cited_policy ?? []), ...decisions.flatMap((d) => d.citations ?? [])])];
  return (
    <section class="card" aria-labelledby="cites-h">
      <h2 id="cites-h">Cited policy</h2>
      {cites.length === 0 ? (
        <p class="state state-empty">No policy section has been cited yet.</p>
      ) : (
        <ul class="list-plain cite-list">
          {cites.map((c) => (
            <li key={c}>
              <a href={citationHref(c)} target="_blank" rel="noopener" class="mono">
                {c.replace('#', ' § ')}
                <span class="visually-hidden"> (opens in a new tab)</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {decisions.length > 0 && (
        <>
          <h3>Decisions so far</h3>
          <ol class="list-plain stack small">
            {decisions.map((d) => (
              <li key={d.id}>
                <span class="mono">{d.decided_by === 'rule' ? `${d.rule_id}@${d.rule_version}` : 'agent'}</span> · {humanize(d.action)}
                {d.outcome && ` → ${humanize(d.outcome)}`}
                {d.verdict && (
                  <>
                    {' '}
                    <Badge tone={d.verdict === 'agree' ? 'good' : 'bad'}>{d.verdict === 'agree' ? 'Agreed by ops' : 'Overturned by ops'}</Badge>
                    {d.review_note && <div class="muted">“{d.review_note}”</div>}
                  </>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

export function TimelineCard({ rows }: { rows: { at: string; text: string; type: string }[] }) {
  return (
    <section class="card" aria-labelledby="timeline-h">
      <h2 id="timeline-h">Timeline</h2>
      {rows.length === 0 ? (
        <p class="state state-empty">Nothing has happened yet.</p>
      ) : (
        <ol class="timeline">
          {rows.map((t, i) => (
            <li key={i}>
              <time dateTime={t.at}>{formatDateTime(t.at)}</time>
              {t.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
