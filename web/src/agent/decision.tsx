// The agent's decision (POST /v1/agent/cases/{id}/decision): outcome, amount
// and a note; the answer is the closed dispute, shown with what was recorded.
import { useState } from 'preact/hooks';
import { ApiError, newIdempotencyKey } from '../shared/api';
import { formatDateTime, formatMoney, humanize } from '../shared/format';
import type { DisputeView } from '../shared/types';
import { Badge, errorText } from '../shared/ui';
import { disputeStatus } from '../shared/vocab';
import { type CaseView, moneyInput, parseMoney } from './model';
import { api } from './session';

type Outcome = 'customer_favor' | 'partial' | 'merchant_favor';

const OUTCOMES: { code: Outcome; label: string; hint: string }[] = [
  { code: 'customer_favor', label: 'In the customer’s favour', hint: 'Refund the disputed amount (or less, if you enter an amount).' },
  { code: 'partial', label: 'Partly', hint: 'Refund part of it: enter the amount.' },
  { code: 'merchant_favor', label: 'In the merchant’s favour', hint: 'Nothing is refunded; payments resume.' },
];

const DECIDE_ERRORS: Record<string, string> = {
  not_claimed: 'Claim this case before deciding it.',
  claimed_by_other: 'Another agent owns this case.',
  illegal_transition: 'This dispute is not waiting for an agent’s decision.',
};

export function DecisionPanel({ c, canDecide, why, onDecided }: { c: CaseView; canDecide: boolean; why?: string; onDecided: (v: DisputeView) => void }) {
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [state, setState] = useState<{ busy?: boolean; error?: string; field?: string }>({});
  const [result, setResult] = useState<DisputeView | null>(null);

  if (result || c.closed_at) {
    const v = result ?? c;
    const st = disputeStatus(v.status, v.merchant_name);
    const mine = c.decisions.filter((d) => d.decided_by === 'agent').at(-1);
    return (
      <section class="card decision-panel" aria-labelledby="decision-h">
        <h2 id="decision-h">Decision</h2>
        <div class={result ? 'alert alert-good' : 'alert alert-info'} role="status">
          {result ? 'Decision recorded. ' : 'This case is closed. '}
          <strong>{humanize(v.outcome) || st.label}</strong>
          {v.outcome_amount > 0 && <> · {formatMoney(v.outcome_amount, v.currency)} back to the customer</>}
        </div>
        <dl class="facts small">
          <dt>Status</dt>
          <dd>
            <Badge tone={st.tone}>{humanize(v.status)}</Badge> {v.payments_paused ? <Badge tone="paused">Payments paused</Badge> : <Badge tone="neutral">Payments not paused</Badge>}
          </dd>
          {mine && (
            <>
              <dt>Recorded as</dt>
              <dd class="mono">{mine.id}</dd>
              {mine.input_hash && (
                <>
                  <dt>Input hash</dt>
                  <dd class="mono" title={mine.input_hash}>
                    {mine.input_hash.slice(0, 16)}…
                  </dd>
                </>
              )}
              <dt>Policy version</dt>
              <dd>{mine.policy_version}</dd>
            </>
          )}
          <dt>Closed</dt>
          <dd>{formatDateTime(v.closed_at)}</dd>
        </dl>
        {result && (
          <>
            <h3>Now in the dispute's log</h3>
            <ol class="list-plain audit-result small" aria-label="Latest timeline entries">
              {v.timeline.slice(-4).map((t, i) => (
                <li key={i}>
                  <time dateTime={t.at}>{formatDateTime(t.at)}</time> · {t.text}
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    );
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (!outcome) return setState({ error: 'Choose an outcome.', field: 'outcome' });
    let minor: number | undefined;
    if (outcome !== 'merchant_favor' && amount.trim()) {
      const m = parseMoney(amount, c.currency);
      if (m === null || m <= 0) return setState({ error: `Enter the amount in ${c.currency}, e.g. ${moneyInput(Math.min(c.amount, 2500), c.currency)}.`, field: 'amount' });
      if (m > c.amount || (outcome === 'partial' && m >= c.amount))
        return setState({ error: `The amount must be ${outcome === 'partial' ? 'less than' : 'at most'} the disputed ${formatMoney(c.amount, c.currency)}.`, field: 'amount' });
      minor = m;
    }
    if (outcome === 'partial' && minor === undefined) return setState({ error: 'A partial outcome needs an amount.', field: 'amount' });
    if (!note.trim()) return setState({ error: 'Write a note: it explains the decision to ops and in the audit log.', field: 'note' });
    setState({ busy: true });
    try {
      const v = await api.post<DisputeView>(
        `/v1/agent/cases/${encodeURIComponent(c.id)}/decision`,
        { outcome, ...(minor !== undefined ? { amount: minor } : {}), note: note.trim() },
        { idempotencyKey: newIdempotencyKey() },
      );
      setResult(v);
      onDecided(v);
    } catch (err) {
      if (err instanceof ApiError) setState({ error: DECIDE_ERRORS[err.code] ?? err.message, field: err.field });
      else setState({ error: errorText(err) });
    }
  }

  const invalid = (f: string) => (state.field === f ? true : undefined);
  return (
    <section class="card decision-panel" aria-labelledby="decision-h">
      <h2 id="decision-h">Decision</h2>
      {!canDecide && why && <p class="alert alert-info">{why}</p>}
      <form onSubmit={submit} noValidate>
        {state.error && (
          <p class="alert alert-error" role="alert" id="decision-error">
            {state.error}
          </p>
        )}
        <fieldset disabled={!canDecide || state.busy} aria-invalid={invalid('outcome')} aria-describedby={state.field === 'outcome' ? 'decision-error' : undefined}>
          <legend>Outcome</legend>
          {OUTCOMES.map((o) => (
            <label key={o.code} class="radio">
              <input type="radio" name="outcome" value={o.code} checked={outcome === o.code} onChange={() => setOutcome(o.code)} />
              <span>
                {o.label}
                <span class="hint">{o.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {outcome && outcome !== 'merchant_favor' && (
          <div class="field">
            <label for="decision-amount">
              Amount to refund ({c.currency}){' '}
              <span class="muted">{outcome === 'customer_favor' ? `(empty: the full ${formatMoney(c.amount, c.currency)})` : '(needed)'}</span>
            </label>
            <input
              id="decision-amount"
              type="text"
              inputMode="decimal"
              autocomplete="off"
              value={amount}
              disabled={!canDecide || state.busy}
              aria-invalid={invalid('amount')}
              aria-describedby={state.field === 'amount' ? 'decision-error' : undefined}
              onInput={(e) => setAmount((e.target as HTMLInputElement).value)}
            />
          </div>
        )}
        <div class="field">
          <label for="decision-note">Note</label>
          <textarea
            id="decision-note"
            rows={3}
            maxLength={4000}
            value={note}
            disabled={!canDecide || state.busy}
            aria-invalid={invalid('note')}
            aria-describedby={state.field === 'note' ? 'decision-error' : 'decision-note-hint'}
            onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
          />
          <p class="hint" id="decision-note-hint">
            Why you decided this. Ops read it when they review the outcome.
          </p>
        </div>
        <button type="submit" class="button" disabled={!canDecide || state.busy}>
          {state.busy ? 'Recording…' : 'Record decision'}
        </button>
      </form>
    </section>
  );
}
