// A case: the handoff packet (summary, facts, order and plan, timeline, cited
// policy, recommendation and risk flags), the claim, the customer's chat, the
// screen share, policy search and the decision.
import { useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { formatDateTime, formatMoney, humanize } from '../shared/format';
import { Link, useFocusHeading } from '../shared/router';
import { Async, Badge, errorText, useResource, useTitle } from '../shared/ui';
import { disputeStatus, reasonShort } from '../shared/vocab';
import { ChatPanel } from './chat';
import { CobrowsePanel } from './cobrowse';
import { DecisionPanel } from './decision';
import type { CaseView, Handoff, Packet } from './model';
import { CitedPolicyCard, FactsCard, OrderCard, SummaryCard, TimelineCard } from './packet';
import { KnowledgeSearch } from './search';
import { api, forgetCase, rememberCase, sessionExpired } from './session';

export function CasePage({ id, staffId }: { id: string; staffId: string }) {
  const res = useResource(() => api.get<CaseView>(`/v1/agent/cases/${encodeURIComponent(id)}`), [id]);
  const c = res.data;
  useTitle(c ? `${c.merchant_name} · ${reasonShort(c.reason)}` : 'Case', 'Settle agent console');
  useFocusHeading(`case-${id}`);
  return (
    <main id="main" class="wide">
      <Link class="back" href="/agent/queue">
        ← Queue
      </Link>
      <div class="page-head">
        <h1>
          {c ? (
            <>
              {c.merchant_name} · {reasonShort(c.reason)}
            </>
          ) : (
            'Case'
          )}{' '}
          <span class="mono small muted">{id}</span>
        </h1>
        {c && <StatusBadges c={c} />}
      </div>
      <Async resource={res} loadingLabel="Loading the case…">
        {(c) => <CaseBody c={c} staffId={staffId} reload={res.reload} />}
      </Async>
    </main>
  );
}

function StatusBadges({ c }: { c: CaseView }) {
  const st = disputeStatus(c.status, c.merchant_name);
  return (
    <p class="row">
      <Badge tone={st.tone}>{humanize(c.status)}</Badge>
      {c.payments_paused && <Badge tone="paused">Payments paused</Badge>}
      <span class="small muted">
        {formatMoney(c.amount, c.currency)} disputed · opened {formatDateTime(c.created_at)}
        {c.deadline_at && ` · ${humanize(c.deadline_kind ?? 'deadline')} ${formatDateTime(c.deadline_at)}`}
      </span>
    </p>
  );
}

type Ownership = 'mine' | 'open' | 'other' | 'closed' | 'none';

function ownership(h: Handoff | null, staffId: string): Ownership {
  if (!h) return 'none';
  if (h.status === 'open') return 'open';
  if (h.status === 'closed') return 'closed';
  return h.claimed_by === staffId ? 'mine' : 'other';
}

function CaseBody({ c, staffId, reload }: { c: CaseView; staffId: string; reload: () => void }) {
  const h = c.handoff;
  const own = ownership(h, staffId);
  const packet: Packet = (h?.packet as Packet | undefined) ?? {};
  const closed = !!c.closed_at;
  const why =
    own === 'open'
      ? 'Claim this case to write to the customer and decide it.'
      : own === 'other'
        ? 'Another agent owns this case.'
        : closed
          ? 'This case is closed.'
          : own === 'none'
            ? 'This dispute has not been handed to a person.'
            : undefined;
  return (
    <>
      <ClaimBar c={c} own={own} onClaimed={reload} />
      <div class="case-grid">
        <div class="case-main">
          <SummaryCard packet={packet} category={h?.reason_category ?? ''} decisions={c.decisions} currency={c.currency} />
          <CobrowsePanel disputeId={c.id} customerId={c.customer_id} />
          <FactsCard packet={packet} currency={c.currency} />
          <OrderCard order={c.order} />
          <TimelineCard rows={c.timeline} />
          <CitedPolicyCard packet={packet} decisions={c.decisions} />
        </div>
        <div class="case-side">
          <ChatPanel disputeId={c.id} staffId={staffId} canWrite={own === 'mine' && !closed} why={why} />
          <DecisionPanel
            c={c}
            canDecide={own === 'mine' && !closed}
            why={why}
            onDecided={() => {
              if (h) forgetCase(h.id);
              reload(); // the header, claim bar and chat follow the closed case
            }}
          />
          <section class="card" aria-labelledby="kb-h">
            <h2 id="kb-h">Policy search</h2>
            <KnowledgeSearch idPrefix="case" />
          </section>
        </div>
      </div>
    </>
  );
}

function ClaimBar({ c, own, onClaimed }: { c: CaseView; own: Ownership; onClaimed: () => void }) {
  const [state, setState] = useState<{ busy?: boolean; error?: string }>({});
  const h = c.handoff;
  if (!h) return null;
  async function claim() {
    if (!h) return;
    setState({ busy: true });
    try {
      await api.post(`/v1/agent/handoffs/${encodeURIComponent(h.id)}/claim`, {});
      rememberCase({
        handoff_id: h.id,
        dispute_id: c.id,
        conversation_id: h.conversation_id ?? '',
        label: `${c.merchant_name} · ${reasonShort(c.reason)}`,
        claimed_at: new Date().toISOString(),
      });
      setState({});
      onClaimed();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return sessionExpired();
      setState({ error: e instanceof ApiError && e.status === 409 ? 'Another agent claimed this case first.' : errorText(e) });
      onClaimed();
    }
  }
  return (
    <div class={`claim-bar claim-${own}`} role="region" aria-label="Who owns this case">
      {own === 'open' && (
        <>
          <span>
            Waiting for an agent since {formatDateTime(h.created_at)} · due {formatDateTime(h.deadline_at)}
          </span>
          <button type="button" class="button" disabled={state.busy} onClick={() => void claim()}>
            {state.busy ? 'Claiming…' : 'Claim this case'}
          </button>
        </>
      )}
      {own === 'mine' && <span>You own this case{h.claimed_at && ` (claimed ${formatDateTime(h.claimed_at)})`}. The customer sees your replies in their chat.</span>}
      {own === 'other' && <span>Another agent owns this case. You can read it but not write or decide.</span>}
      {own === 'closed' && <span>This handoff is closed.</span>}
      {state.error && (
        <span class="bad" role="alert">
          {state.error}
        </span>
      )}
    </div>
  );
}
