// Metrics: how much the engine resolves, how much goes to people, how often
// reviews overturn each rule, why cases are handed off, how long resolution
// takes, and which merchants draw unusually many disputes.
import { useState } from 'preact/hooks';
import { query } from '../shared/api';
import { formatDate, formatNumber, formatPercent, humanize } from '../shared/format';
import { navigate, useFocusHeading } from '../shared/router';
import type { DailyRates, MerchantRate, Metrics, Rule } from '../shared/types';
import { Async, Badge, Empty, useResource, useTitle } from '../shared/ui';
import { BarChart, ColumnChart, LineChart } from './charts';
import { api } from './session';

// The response's members beyond the shared Metrics type (see the OpsMetrics
// schema in cmd/settle/openapi.json).
export interface DailyPoint extends DailyRates {
  reviewed: number;
  overturned: number;
  auto_resolution_rate: number | null;
  escalation_rate: number | null;
  overturn_rate: number | null;
}

export interface MerchantPoint extends MerchantRate {
  per_100_orders: number;
  wilson_lower_per_100_orders: number | null;
  z_score: number | null;
  unusual: boolean;
}

export interface RuleOverturns {
  rule_id: string;
  decided: number;
  reviewed: number;
  overturned: number;
  overturn_rate: number | null;
}

export interface ResolutionBucket {
  label: string;
  min_hours: number;
  max_hours: number | null;
  count: number;
}

export interface ResolutionTimes {
  resolved: number;
  open: number;
  withdrawn: number;
  p50_hours: number | null;
  p90_hours: number | null;
  histogram: ResolutionBucket[];
}

export interface OpsMetrics extends Omit<Metrics, 'daily' | 'disputes_per_merchant'> {
  reviewed: number;
  overturned: number;
  overturn_rate: number | null;
  overturns_per_rule: RuleOverturns[];
  time_to_resolution: ResolutionTimes;
  time_to_resolution_per_reason: (ResolutionTimes & { reason: string })[];
  disputes_per_merchant: MerchantPoint[];
  dispute_rate_overall: { disputes: number; orders: number; per_100_orders: number; unusual_min_orders: number };
  unusual_merchants: MerchantPoint[];
  daily: DailyPoint[];
}

function hours(h: number | null): string {
  if (h == null) return '—';
  if (h < 1) return `${Math.round(h * 60)} min`;
  if (h < 48) return `${formatNumber(h)} h`;
  return `${formatNumber(h / 24)} days`;
}

export function MetricsPage({ q }: { q: URLSearchParams }) {
  useTitle('Metrics', 'Settle ops');
  useFocusHeading('metrics');
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  const qs = query({ from, to });
  const m = useResource(() => api.get<OpsMetrics>(`/v1/ops/metrics${qs}`), [qs]);
  const rules = useResource(() => api.get<{ rules: Rule[] }>('/v1/ops/rules').then((d) => d.rules), []);
  return (
    <main id="main">
      <div class="page-head">
        <h1>Metrics</h1>
        {m.data && (
          <p>
            {formatDate(m.data.from)} – {formatDate(new Date(Date.parse(m.data.to) - 1).toISOString())}
          </p>
        )}
      </div>
      <RangeForm from={from} to={to} />
      <Async resource={m} loadingLabel="Loading metrics…">
        {(d) => <MetricsView m={d} />}
      </Async>
      <section class="card" aria-labelledby="per-rule-h">
        <h2 id="per-rule-h">Automated decisions per rule (all time)</h2>
        <Async resource={rules} loadingLabel="Loading rules…" isEmpty={(r) => !r.some((x) => x.fired > 0)} empty={<p>No rule has decided a dispute yet.</p>}>
          {(r) => (
            <BarChart
              title="Disputes each rule decided, with how many reviews overturned"
              unit="Decided"
              bars={r
                .filter((x) => x.fired > 0)
                .sort((a, b) => b.fired - a.fired)
                .map((x) => ({
                  label: x.rule_id,
                  value: x.fired,
                  text: `${formatNumber(x.fired)}${x.overturned ? ` (${x.overturned} overturned)` : ''}`,
                  flagged: x.reviewed > 0 && x.overturn_rate >= 0.2,
                }))}
            />
          )}
        </Async>
      </section>
    </main>
  );
}

function RangeForm({ from, to }: { from: string; to: string }) {
  const [f, setF] = useState({ from, to });
  return (
    <form
      class="card filters row"
      aria-label="Period"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(`/ops/metrics${query(f)}`);
      }}
    >
      <div class="field inline">
        <label for="m-from">From</label>
        <input id="m-from" type="date" value={f.from} onChange={(e) => setF({ ...f, from: (e.target as HTMLInputElement).value })} />
      </div>
      <div class="field inline">
        <label for="m-to">To</label>
        <input id="m-to" type="date" value={f.to} onChange={(e) => setF({ ...f, to: (e.target as HTMLInputElement).value })} />
      </div>
      <button type="submit" class="button">
        Show
      </button>
      <span class="small muted">Without dates: the last 30 days.</span>
    </form>
  );
}

function MetricsView({ m }: { m: OpsMetrics }) {
  const days = m.daily ?? [];
  const dayNames = days.map((d) => d.day);
  const handoffs = Object.entries(m.handoff_reason_counts ?? {}).sort((a, b) => b[1] - a[1]);
  const ttr = m.time_to_resolution;
  return (
    <>
      <section aria-label="Summary" class="grid grid-4 kpis">
        <Kpi label="Disputes submitted" value={formatNumber(m.submitted)} />
        <Kpi label="Auto-resolved" value={formatPercent(m.auto_resolution_rate)} detail={`${m.auto_resolved} of ${m.submitted}`} />
        <Kpi label="Escalated to a person" value={formatPercent(m.escalation_rate)} detail={`${m.escalated} of ${m.submitted}`} />
        <Kpi
          label="Automated outcomes overturned"
          value={m.overturn_rate == null ? '—' : formatPercent(m.overturn_rate)}
          detail={m.reviewed ? `${m.overturned} of ${m.reviewed} reviewed` : 'None reviewed yet'}
        />
        <Kpi
          label="Time to resolution (median)"
          value={hours(ttr?.p50_hours ?? m.median_time_to_resolution_hours)}
          detail={ttr?.p90_hours != null ? `9 in 10 within ${hours(ttr.p90_hours)}` : undefined}
        />
      </section>
      <p class="small muted cohort-note">
        Counted by the day each dispute was submitted (UTC), as it stands now: resolutions, handoffs and reviews that come later still count on that day.
      </p>
      <div class="grid charts">
        <section class="card" aria-labelledby="rates-h">
          <h2 id="rates-h">Rates by day</h2>
          {m.submitted === 0 ? (
            <Empty>No disputes in this period.</Empty>
          ) : (
            <LineChart
              title="Auto-resolved and escalated: share of the day's disputes. Overturned: share of the day's reviewed automated outcomes."
              days={dayNames}
              percent
              format={formatPercent}
              series={[
                { name: 'Auto-resolved', values: days.map((d) => d.auto_resolution_rate), cls: 's-good' },
                { name: 'Escalated', values: days.map((d) => d.escalation_rate), cls: 's-warn' },
                { name: 'Overturned', values: days.map((d) => d.overturn_rate), cls: 's-bad' },
              ]}
            />
          )}
        </section>
        <section class="card" aria-labelledby="daily-h">
          <h2 id="daily-h">Disputes by day</h2>
          {m.submitted === 0 ? (
            <Empty>No disputes in this period.</Empty>
          ) : (
            <LineChart
              title="Disputes per day"
              days={dayNames}
              format={(n) => formatNumber(Math.round(n))}
              series={[
                { name: 'Submitted', values: days.map((d) => d.submitted), cls: 's-info' },
                { name: 'Auto-resolved', values: days.map((d) => d.auto_resolved), cls: 's-good' },
                { name: 'Escalated', values: days.map((d) => d.escalated), cls: 's-warn' },
                { name: 'Overturned', values: days.map((d) => d.overturned), cls: 's-bad' },
              ]}
            />
          )}
        </section>
        <section class="card" aria-labelledby="overturn-h">
          <h2 id="overturn-h">Overturn rate per rule</h2>
          <RuleOverturnsChart rules={m.overturns_per_rule ?? []} />
        </section>
        <section class="card" aria-labelledby="handoff-h">
          <h2 id="handoff-h">Why cases went to a person</h2>
          {handoffs.length === 0 ? (
            <Empty>No handoffs in this period.</Empty>
          ) : (
            <BarChart title="Handoffs by reason" unit="Handoffs" bars={handoffs.map(([k, n]) => ({ label: humanize(k), value: n, text: formatNumber(n) }))} />
          )}
        </section>
      </div>
      <section class="card" aria-labelledby="ttr-h">
        <h2 id="ttr-h">Time to resolution</h2>
        {m.submitted === 0 ? <Empty>No disputes in this period.</Empty> : <Resolution m={m} />}
      </section>
      <Merchants m={m} />
    </>
  );
}

/** The histogram of resolution times, overall or for one reason, and the per-reason table. */
function Resolution({ m }: { m: OpsMetrics }) {
  const [reason, setReason] = useState('');
  const perReason = m.time_to_resolution_per_reason ?? [];
  const t = (reason && perReason.find((r) => r.reason === reason)) || m.time_to_resolution;
  const coverage = `${formatNumber(t.resolved)} resolved, ${formatNumber(t.open)} still open${t.withdrawn ? `, ${formatNumber(t.withdrawn)} withdrawn` : ''}`;
  return (
    <>
      <div class="field inline ttr-pick">
        <label for="ttr-reason">Reason</label>
        <select id="ttr-reason" value={reason} onChange={(e) => setReason((e.target as HTMLSelectElement).value)}>
          <option value="">All reasons</option>
          {perReason.map((r) => (
            <option key={r.reason} value={r.reason}>
              {humanize(r.reason)}
            </option>
          ))}
        </select>
      </div>
      <p class="small ttr-summary">
        {t.p50_hours == null ? (
          <>Nothing resolved yet ({coverage}).</>
        ) : (
          <>
            Median <strong>{hours(t.p50_hours)}</strong>, 90th percentile <strong>{hours(t.p90_hours)}</strong> · {coverage}
          </>
        )}
      </p>
      <div class="split">
        <div>
          {t.resolved === 0 ? (
            <Empty>No resolved disputes to show{reason ? ` for ${humanize(reason).toLowerCase()}` : ''}.</Empty>
          ) : (
            <ColumnChart
              title={`Disputes by time from submission to resolution${reason ? ` (${humanize(reason)})` : ''}`}
              head="Took"
              unit="Resolved"
              columns={t.histogram.map((b) => ({ label: b.label, value: b.count, text: formatNumber(b.count) }))}
            />
          )}
        </div>
        {perReason.length > 0 && (
          <table class="data-table per-reason">
            <caption>By reason</caption>
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col">Resolved</th>
                <th scope="col">Open</th>
                <th scope="col">Median</th>
                <th scope="col">90th percentile</th>
              </tr>
            </thead>
            <tbody>
              {perReason.map((r) => (
                <tr key={r.reason}>
                  <th scope="row">{humanize(r.reason)}</th>
                  <td>{formatNumber(r.resolved)}</td>
                  <td>{formatNumber(r.open)}</td>
                  <td>{hours(r.p50_hours)}</td>
                  <td>{hours(r.p90_hours)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}

function RuleOverturnsChart({ rules }: { rules: RuleOverturns[] }) {
  const reviewed = rules.filter((r) => r.reviewed > 0).sort((a, b) => (b.overturn_rate ?? 0) - (a.overturn_rate ?? 0) || b.reviewed - a.reviewed);
  const unreviewed = rules.filter((r) => r.reviewed === 0);
  if (rules.length === 0) return <Empty>No rule resolved a dispute in this period.</Empty>;
  return (
    <>
      {reviewed.length === 0 ? (
        <Empty>None of this period's automated outcomes has been reviewed yet. Rates appear once ops review them.</Empty>
      ) : (
        <BarChart
          title="Reviewed automated outcomes that were overturned (20% or more is marked)"
          unit="Overturned"
          flagNote="high"
          max={1}
          bars={reviewed.map((r) => ({
            label: r.rule_id,
            value: r.overturn_rate ?? 0,
            text: `${formatPercent(r.overturn_rate ?? 0)} (${r.overturned} of ${r.reviewed})`,
            flagged: (r.overturn_rate ?? 0) >= 0.2,
          }))}
        />
      )}
      {unreviewed.length > 0 && (
        <p class="small muted">
          Not reviewed yet: {unreviewed.map((r) => `${r.rule_id} (${formatNumber(r.decided)} decided)`).join(', ')}.
        </p>
      )}
    </>
  );
}

function Merchants({ m }: { m: OpsMetrics }) {
  const overall = m.dispute_rate_overall;
  const rows = (m.disputes_per_merchant ?? []).filter((x) => x.orders > 0).sort((a, b) => Number(b.unusual) - Number(a.unusual) || b.per_100_orders - a.per_100_orders);
  const unusual = m.unusual_merchants ?? [];
  const per100 = (n: number) => formatNumber(n);
  return (
    <section class="card" aria-labelledby="merchants-h">
      <h2 id="merchants-h">Merchants with unusual dispute rates</h2>
      <p class="small muted">
        Disputed orders per 100 orders captured in this period. Across all merchants: <strong>{per100(overall.per_100_orders)}</strong> ({formatNumber(overall.disputes)} of{' '}
        {formatNumber(overall.orders)}). A merchant is flagged when it has at least {overall.unusual_min_orders} orders and even the low end of its 95% range is above
        that — so a few disputes on a handful of orders are not enough.
      </p>
      {rows.length === 0 ? (
        <Empty>No merchant has orders in this period.</Empty>
      ) : (
        <>
          <p role="status" class={unusual.length ? 'unusual-count bad' : 'unusual-count'}>
            {unusual.length === 0
              ? 'No merchant’s rate is clearly above the overall rate.'
              : `${unusual.length} merchant${unusual.length === 1 ? '' : 's'} clearly above the overall rate: ${unusual.map((x) => x.name).join(', ')}.`}
          </p>
          <div class="merchant-grid">
            <BarChart
              title="Disputed orders per 100 orders, by merchant"
              unit="Per 100 orders"
              reference={{
                value: overall.per_100_orders,
                label: `All merchants: ${per100(overall.per_100_orders)}`,
                name: 'All merchants',
                text: per100(overall.per_100_orders),
              }}
              bars={rows.map((x) => ({ label: x.name, value: x.per_100_orders, text: per100(x.per_100_orders), flagged: x.unusual }))}
            />
            <table class="data-table merchants">
              <caption class="visually-hidden">Merchants' dispute rates against the overall rate; unusual ones first</caption>
              <thead>
                <tr>
                  <th scope="col">Merchant</th>
                  <th scope="col">Orders</th>
                  <th scope="col">Disputed</th>
                  <th scope="col">Per 100</th>
                  <th scope="col" title="The low end of the 95% Wilson interval of the rate, per 100 orders">95% low</th>
                  <th scope="col">vs overall</th>
                  <th scope="col">
                    <span class="visually-hidden">Flag</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((x) => (
                  <tr key={x.merchant_id} class={x.unusual ? 'unusual' : undefined}>
                    <th scope="row" class="nowrap">{x.name}</th>
                    <td>{formatNumber(x.orders)}</td>
                    <td>{formatNumber(x.disputes)}</td>
                    <td>{per100(x.per_100_orders)}</td>
                    <td>{x.wilson_lower_per_100_orders == null ? '—' : per100(x.wilson_lower_per_100_orders)}</td>
                    <td>{overall.per_100_orders > 0 ? `${formatNumber(x.per_100_orders / overall.per_100_orders)}×` : '—'}</td>
                    <td>
                      {x.unusual ? <Badge tone="bad">Unusual</Badge> : x.orders < overall.unusual_min_orders ? <span class="small muted nowrap">Few orders</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Kpi({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div class="card kpi">
      <p class="kpi-label">{label}</p>
      <p class="kpi-value">{value}</p>
      {detail && <p class="small muted">{detail}</p>}
    </div>
  );
}
