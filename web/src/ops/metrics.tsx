// Metrics: how much the engine resolves, how much goes to people, how often
// reviews overturn each rule, why cases are handed off, how long resolution
// takes, and which merchants draw unusually many disputes.
import { useState } from 'preact/hooks';
import { query } from '../shared/api';
import { formatDate, formatNumber, formatPercent, humanize } from '../shared/format';
import { navigate, useFocusHeading } from '../shared/router';
import type { DailyRates, Metrics, Rule } from '../shared/types';
import { Async, Empty, useResource, useTitle } from '../shared/ui';
import { BarChart, LineChart } from './charts';
import { api } from './session';

/** Every day from..to (UTC), with the days the API left out as zeros. */
export function fillDays(from: string, to: string, daily: DailyRates[]): DailyRates[] {
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const out: DailyRates[] = [];
  const start = new Date(`${from.slice(0, 10)}T00:00:00Z`);
  const end = new Date(`${to.slice(0, 10)}T00:00:00Z`);
  for (let t = start.getTime(), n = 0; t <= end.getTime() && n < 400; t += 86_400_000, n++) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, submitted: 0, auto_resolved: 0, escalated: 0 });
  }
  return out;
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
  const m = useResource(() => api.get<Metrics>(`/v1/ops/metrics${qs}`), [qs]);
  const rules = useResource(() => api.get<{ rules: Rule[] }>('/v1/ops/rules').then((d) => d.rules), []);
  return (
    <main id="main">
      <div class="page-head">
        <h1>Metrics</h1>
        {m.data && (
          <p>
            {formatDate(m.data.from)} – {formatDate(m.data.to)}
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

function MetricsView({ m }: { m: Metrics }) {
  const days = fillDays(m.from, m.to, m.daily ?? []);
  const rate = (a: number, b: number) => (b ? a / b : 0);
  const overturn = Object.entries(m.overturn_rate_per_rule ?? {}).sort((a, b) => b[1] - a[1]);
  const handoffs = Object.entries(m.handoff_reason_counts ?? {}).sort((a, b) => b[1] - a[1]);
  const merchants = [...(m.disputes_per_merchant ?? [])].sort((a, b) => b.per_1000_orders - a.per_1000_orders);
  const totals = merchants.reduce((t, x) => ({ d: t.d + x.disputes, o: t.o + x.orders }), { d: 0, o: 0 });
  const overall = totals.o ? (totals.d / totals.o) * 1000 : 0;
  // Unusual: at least twice the overall rate, and more than a couple of disputes.
  const unusual = (x: { per_1000_orders: number; disputes: number }) => overall > 0 && x.per_1000_orders >= 2 * overall && x.disputes >= 3;
  return (
    <>
      <section aria-label="Summary" class="grid grid-4 kpis">
        <Kpi label="Disputes submitted" value={formatNumber(m.submitted)} />
        <Kpi label="Auto-resolved" value={formatPercent(m.auto_resolution_rate)} detail={`${m.auto_resolved} of ${m.submitted}`} />
        <Kpi label="Escalated to a person" value={formatPercent(m.escalation_rate)} detail={`${m.escalated} of ${m.submitted}`} />
        <Kpi label="Median time to resolution" value={hours(m.median_time_to_resolution_hours)} />
      </section>
      <div class="grid charts">
        <section class="card">
          <h2>Resolution rates by day</h2>
          {m.submitted === 0 ? (
            <Empty>No disputes in this period.</Empty>
          ) : (
            <LineChart
              title="Share of the day's disputes"
              days={days.map((d) => d.day)}
              percent
              format={formatPercent}
              series={[
                { name: 'Auto-resolved', values: days.map((d) => rate(d.auto_resolved, d.submitted)), cls: 's-good' },
                { name: 'Escalated', values: days.map((d) => rate(d.escalated, d.submitted)), cls: 's-warn' },
              ]}
            />
          )}
        </section>
        <section class="card">
          <h2>Disputes by day</h2>
          {m.submitted === 0 ? (
            <Empty>No disputes in this period.</Empty>
          ) : (
            <LineChart
              title="Disputes per day"
              days={days.map((d) => d.day)}
              format={(n) => formatNumber(Math.round(n))}
              series={[
                { name: 'Submitted', values: days.map((d) => d.submitted), cls: 's-info' },
                { name: 'Auto-resolved', values: days.map((d) => d.auto_resolved), cls: 's-good' },
                { name: 'Escalated', values: days.map((d) => d.escalated), cls: 's-warn' },
              ]}
            />
          )}
        </section>
        <section class="card">
          <h2>Overturn rate per rule</h2>
          {overturn.length === 0 ? (
            <Empty>No reviewed outcomes in this period. Rates appear once ops review automated outcomes.</Empty>
          ) : (
            <BarChart title="Reviewed outcomes overturned" unit="Overturned" max={1} bars={overturn.map(([rule, r]) => ({ label: rule, value: r, text: formatPercent(r), flagged: r >= 0.2 }))} />
          )}
        </section>
        <section class="card">
          <h2>Why cases went to a person</h2>
          {handoffs.length === 0 ? (
            <Empty>No handoffs in this period.</Empty>
          ) : (
            <BarChart title="Handoffs by reason" unit="Handoffs" bars={handoffs.map(([k, n]) => ({ label: humanize(k), value: n, text: formatNumber(n) }))} />
          )}
        </section>
      </div>
      <section class="card">
        <h2>Disputes per 1,000 orders, by merchant</h2>
        <p class="small muted">
          Across all merchants: {formatNumber(overall)} per 1,000 orders. Merchants at twice that or more (and at least 3 disputes) are marked as unusual.
        </p>
        {merchants.length === 0 ? (
          <Empty>No merchants with orders in this period.</Empty>
        ) : (
          <BarChart
            title="Disputes per 1,000 orders"
            unit="Per 1,000 orders"
            bars={merchants.map((x) => ({ label: x.name, value: x.per_1000_orders, text: `${formatNumber(x.per_1000_orders)} (${x.disputes}/${x.orders})`, flagged: unusual(x) }))}
          />
        )}
      </section>
    </>
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
