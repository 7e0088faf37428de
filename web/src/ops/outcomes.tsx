// Automated outcomes: every decision that resolved a dispute, filterable, with
// agree/overturn and a note (an overturn reopens the case for an agent).
import { useState } from 'preact/hooks';
import { newIdempotencyKey, query } from '../shared/api';
import { formatDateTime, formatMoney, humanize } from '../shared/format';
import { Link, navigate, useFocusHeading } from '../shared/router';
import type { Metrics, OutcomeRow, Rule } from '../shared/types';
import { Async, Badge, errorText, useResource, useTitle } from '../shared/ui';
import { reasons } from '../shared/vocab';
import { api } from './session';

const FILTERS = ['reason', 'rule_id', 'decided_by', 'merchant_id', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function readFilters(q: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((k) => [k, q.get(k) ?? ''])) as Filters;
}

export function citationHref(c: string): string {
  const [doc, section] = c.split('#');
  return `/policies/${encodeURIComponent(doc)}${section ? `#${encodeURIComponent(section)}` : ''}`;
}

export function Outcomes({ q }: { q: URLSearchParams }) {
  useTitle('Automated outcomes', 'Settle ops');
  useFocusHeading('outcomes');
  const filters = readFilters(q);
  const qs = query(filters);
  const list = useResource(() => api.get<{ outcomes: OutcomeRow[] }>(`/v1/ops/outcomes${qs}`).then((d) => d.outcomes), [qs]);
  const active = FILTERS.filter((k) => filters[k]).length;
  return (
    <main id="main">
      <div class="page-head">
        <h1>Automated outcomes</h1>
        <p>Decisions that resolved a dispute. Review each one: agree, or overturn it and send the case to an agent.</p>
      </div>
      <FilterForm initial={filters} />
      <Async
        resource={list}
        loadingLabel="Loading outcomes…"
        isEmpty={(d) => d.length === 0}
        empty={<p>{active ? 'No outcomes match these filters.' : 'No automated outcomes yet.'}</p>}
      >
        {(rows) => (
          <>
            <p class="muted small" role="status">
              {rows.length} outcome{rows.length === 1 ? '' : 's'}
              {active ? ` matching ${active} filter${active === 1 ? '' : 's'}` : ''} · {rows.filter((r) => !r.review).length} awaiting review
              {list.loading && ' · updating…'}
            </p>
            <div class="table-wrap card flush">
              <table class="outcomes">
                <thead>
                  <tr>
                    <th scope="col">Decided</th>
                    <th scope="col">Dispute</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Decided by</th>
                    <th scope="col">Outcome</th>
                    <th scope="col" class="num">
                      Amount
                    </th>
                    <th scope="col">Review</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <OutcomeLine key={r.decision_id} row={r} onReviewed={list.reload} />
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Async>
    </main>
  );
}

function FilterForm({ initial }: { initial: Filters }) {
  const [f, setF] = useState<Filters>(initial);
  const rules = useResource(() => api.get<{ rules: Rule[] }>('/v1/ops/rules').then((d) => d.rules), []);
  const merchants = useResource(() => api.get<Metrics>('/v1/ops/metrics').then((m) => m.disputes_per_merchant ?? []), []);
  const set = (k: keyof Filters) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement | HTMLSelectElement).value });
  return (
    <form
      class="card filters"
      aria-label="Filter outcomes"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(`/ops/outcomes${query(f)}`);
      }}
    >
      <div class="filter-grid">
        <div class="field">
          <label for="f-reason">Reason</label>
          <select id="f-reason" value={f.reason} onChange={set('reason')}>
            <option value="">Any reason</option>
            {reasons.map((r) => (
              <option key={r.code} value={r.code}>
                {humanize(r.code)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-rule">Rule</label>
          <select id="f-rule" value={f.rule_id} onChange={set('rule_id')}>
            <option value="">Any rule</option>
            {(rules.data ?? []).map((r) => (
              <option key={r.rule_id} value={r.rule_id}>
                {r.rule_id}
              </option>
            ))}
            {f.rule_id && !rules.data?.some((r) => r.rule_id === f.rule_id) && <option value={f.rule_id}>{f.rule_id}</option>}
          </select>
        </div>
        <div class="field">
          <label for="f-by">Decided by</label>
          <select id="f-by" value={f.decided_by} onChange={set('decided_by')}>
            <option value="">Anyone</option>
            <option value="rule">A rule</option>
            <option value="agent">An agent</option>
          </select>
        </div>
        <div class="field">
          <label for="f-merchant">Merchant</label>
          <select id="f-merchant" value={f.merchant_id} onChange={set('merchant_id')}>
            <option value="">Any merchant</option>
            {(merchants.data ?? []).map((m) => (
              <option key={m.merchant_id} value={m.merchant_id}>
                {m.name}
              </option>
            ))}
            {f.merchant_id && !merchants.data?.some((m) => m.merchant_id === f.merchant_id) && <option value={f.merchant_id}>{f.merchant_id}</option>}
          </select>
        </div>
        <div class="field">
          <label for="f-from">From</label>
          <input id="f-from" type="date" value={f.from} onChange={set('from')} />
        </div>
        <div class="field">
          <label for="f-to">To</label>
          <input id="f-to" type="date" value={f.to} onChange={set('to')} />
        </div>
      </div>
      <div class="row">
        <button type="submit" class="button">
          Apply filters
        </button>
        <button
          type="button"
          class="button secondary"
          onClick={() => {
            setF(readFilters(new URLSearchParams()));
            navigate('/ops/outcomes');
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

function outcomeTone(o: string) {
  return o === 'customer_favor' ? 'good' : o === 'merchant_favor' ? 'bad' : 'warn';
}

function OutcomeLine({ row: r, onReviewed }: { row: OutcomeRow; onReviewed: () => void }) {
  const [open, setOpen] = useState(false);
  const formId = `review-${r.decision_id}`;
  return (
    <>
      <tr>
        <td class="nowrap">{formatDateTime(r.decided_at)}</td>
        <td>
          <Link href={`/ops/disputes/${r.dispute_id}`} class="mono">
            {r.dispute_id}
          </Link>
          <div class="small muted">{r.merchant_name}</div>
        </td>
        <td>{humanize(r.reason)}</td>
        <td>
          {r.decided_by === 'rule' ? (
            <>
              <span class="mono rule">
                {r.rule_id}@{r.rule_version}
              </span>
              <div class="small muted policy">policy {r.policy_version}</div>
            </>
          ) : (
            <>
              Agent <span class="small muted mono">{r.agent_id}</span>
            </>
          )}
        </td>
        <td>
          <Badge tone={outcomeTone(r.outcome)}>{humanize(r.outcome)}</Badge>
          {r.explanation && <div class="small explain">{r.explanation}</div>}
          {r.citations && r.citations.length > 0 && (
            <div class="small cites">
              {r.citations.map((c) => (
                <a key={c} href={citationHref(c)} target="_blank" rel="noopener" class="mono">
                  {c}
                  <span class="visually-hidden"> (opens in a new tab)</span>
                </a>
              ))}
            </div>
          )}
        </td>
        <td class="num">{formatMoney(r.amount, r.currency)}</td>
        <td>
          {r.review ? (
            <>
              <Badge tone={r.review.verdict === 'agree' ? 'good' : 'bad'}>{r.review.verdict === 'agree' ? 'Agreed' : 'Overturned'}</Badge>
              {r.review.note && <div class="small muted review-note">“{r.review.note}”</div>}
            </>
          ) : (
            <button type="button" class="button secondary small" aria-expanded={open} aria-controls={formId} onClick={() => setOpen(!open)}>
              {open ? 'Cancel' : 'Review'}
            </button>
          )}
        </td>
      </tr>
      {open && !r.review && (
        <tr class="review-row" id={formId}>
          <td colSpan={7}>
            <ReviewForm row={r} onDone={onReviewed} />
          </td>
        </tr>
      )}
    </>
  );
}

function ReviewForm({ row: r, onDone }: { row: OutcomeRow; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [state, setState] = useState<{ busy?: string; error?: string }>({});
  const noteId = `note-${r.decision_id}`;
  async function review(verdict: 'agree' | 'overturn') {
    if (verdict === 'overturn' && !note.trim()) {
      setState({ error: 'Say in the note why you overturn it; the agent who picks the case up will read it.' });
      document.getElementById(noteId)?.focus();
      return;
    }
    setState({ busy: verdict });
    try {
      await api.post(`/v1/ops/outcomes/${encodeURIComponent(r.decision_id)}/review`, { verdict, note: note.trim() }, { idempotencyKey: newIdempotencyKey() });
      onDone();
    } catch (e) {
      setState({ error: errorText(e) });
    }
  }
  return (
    <div class="review-form">
      {state.error && (
        <p class="alert alert-error" role="alert">
          {state.error}
        </p>
      )}
      <div class="field">
        <label for={noteId}>
          Note <span class="muted">(needed to overturn)</span>
        </label>
        <textarea id={noteId} rows={2} maxLength={4000} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      </div>
      <div class="row">
        <button type="button" class="button" disabled={!!state.busy} onClick={() => review('agree')}>
          {state.busy === 'agree' ? 'Saving…' : 'Agree'}
        </button>
        <button type="button" class="button danger" disabled={!!state.busy} onClick={() => review('overturn')}>
          {state.busy === 'overturn' ? 'Overturning…' : 'Overturn and reopen'}
        </button>
        <span class="small muted">Overturning puts the plan back, pauses it again and sends the case to the agent queue.</span>
      </div>
    </div>
  );
}
