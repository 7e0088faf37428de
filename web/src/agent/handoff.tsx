// A chat handed to a person before any dispute exists ("talk to a human"):
// the packet's summary and the chat, to claim and take over.
import { useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { Link, useFocusHeading } from '../shared/router';
import { Async, errorText, useResource, useTitle } from '../shared/ui';
import { ChatPanel } from './chat';
import type { Handoff, Packet } from './model';
import { SummaryCard } from './packet';
import { KnowledgeSearch } from './search';
import { api, rememberCase, sessionExpired } from './session';

export function HandoffPage({ id, staffId }: { id: string; staffId: string }) {
  useTitle('Customer chat', 'Settle agent console');
  useFocusHeading(`handoff-${id}`);
  const res = useResource(() => api.get<Handoff>(`/v1/agent/handoffs/${encodeURIComponent(id)}`), [id]);
  return (
    <main id="main" class="wide">
      <Link class="back" href="/agent/queue">
        ← Queue
      </Link>
      <div class="page-head">
        <h1>
          Customer chat <span class="mono small muted">{id}</span>
        </h1>
      </div>
      <Async resource={res} loadingLabel="Loading the handoff…">
        {(h) => <Body h={h} staffId={staffId} reload={res.reload} />}
      </Async>
    </main>
  );
}

function Body({ h, staffId, reload }: { h: Handoff; staffId: string; reload: () => void }) {
  const [state, setState] = useState<{ busy?: boolean; error?: string }>({});
  const mine = h.status === 'claimed' && h.claimed_by === staffId;
  async function claim() {
    setState({ busy: true });
    try {
      await api.post(`/v1/agent/handoffs/${encodeURIComponent(h.id)}/claim`, {});
      rememberCase({ handoff_id: h.id, dispute_id: '', conversation_id: h.conversation_id ?? '', label: 'Customer chat', claimed_at: new Date().toISOString() });
      setState({});
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return sessionExpired();
      setState({ error: e instanceof ApiError && e.status === 409 ? 'Another agent claimed this chat first.' : errorText(e) });
    }
    reload();
  }
  const why = h.status === 'open' ? 'Claim this chat to write to the customer.' : !mine ? 'Another agent owns this chat.' : undefined;
  return (
    <>
      <div class={`claim-bar claim-${mine ? 'mine' : h.status === 'open' ? 'open' : 'other'}`} role="region" aria-label="Who owns this chat">
        {h.status === 'open' ? (
          <>
            <span>Waiting since {formatDateTime(h.created_at)} · due {formatDateTime(h.deadline_at)}</span>
            <button type="button" class="button" disabled={state.busy} onClick={() => void claim()}>
              {state.busy ? 'Claiming…' : 'Claim this chat'}
            </button>
          </>
        ) : mine ? (
          <span>You own this chat.</span>
        ) : (
          <span>{h.status === 'closed' ? 'This handoff is closed.' : 'Another agent owns this chat.'}</span>
        )}
        {state.error && (
          <span class="bad" role="alert">
            {state.error}
          </span>
        )}
      </div>
      <div class="case-grid">
        <div class="case-main">
          <SummaryCard packet={(h.packet as Packet | undefined) ?? {}} category={h.reason_category} decisions={[]} currency="USD" />
          <section class="card" aria-labelledby="kb-h">
            <h2 id="kb-h">Policy search</h2>
            <KnowledgeSearch idPrefix="handoff" />
          </section>
        </div>
        <div class="case-side">
          {h.conversation_id ? (
            <ChatPanel conversationId={h.conversation_id} staffId={staffId} canWrite={mine} why={why} />
          ) : (
            <p class="state state-empty">This handoff has no chat.</p>
          )}
        </div>
      </div>
    </>
  );
}
