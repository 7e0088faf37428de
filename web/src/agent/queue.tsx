// The live queue: open handoffs, soonest deadline first, pushed by
// GET /v1/agent/queue/stream (Server-Sent Events). When the stream cannot be
// had the page polls GET /v1/agent/queue and keeps trying the stream.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { formatDateTime, formatMoney, humanize } from '../shared/format';
import { Link, navigate, useFocusHeading } from '../shared/router';
import { Badge, Empty, ErrorMessage, Loading, errorText, useTitle } from '../shared/ui';
import { reasonShort } from '../shared/vocab';
import { type QueueItem, duration } from './model';
import { api, myCases, rememberCase, sessionExpired } from './session';

type Live = 'connecting' | 'live' | 'polling';

const POLL_MS = 10_000;

/** The queue, kept current by the event stream (or by polling when it fails). */
function useLiveQueue(): { items?: QueueItem[]; error?: string; live: Live; updatedAt?: number } {
  const [state, setState] = useState<{ items?: QueueItem[]; error?: string; live: Live; updatedAt?: number }>({ live: 'connecting' });
  useEffect(() => {
    let es: EventSource | null = null;
    let poll: ReturnType<typeof setInterval> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const apply = (items: QueueItem[], live: Live) => setState({ items, live, updatedAt: Date.now() });
    const fetchOnce = async () => {
      try {
        const d = await api.get<{ handoffs: QueueItem[] }>('/v1/agent/queue');
        if (!stopped) setState((s) => ({ ...s, items: d.handoffs, error: undefined, updatedAt: Date.now() }));
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return; // the client sends the agent to sign in
        if (!stopped) setState((s) => ({ ...s, error: errorText(e) }));
      }
    };
    const connect = () => {
      if (stopped) return;
      es = new EventSource('/v1/agent/queue/stream');
      const onData = (ev: MessageEvent) => {
        try {
          const d = JSON.parse(ev.data as string) as { handoffs: QueueItem[] };
          clearInterval(poll);
          poll = undefined;
          apply(d.handoffs, 'live');
        } catch {
          // A malformed event: the next one replaces the whole list anyway.
        }
      };
      es.addEventListener('snapshot', onData as EventListener);
      es.addEventListener('update', onData as EventListener);
      es.onerror = () => {
        if (!es || es.readyState !== EventSource.CLOSED) {
          // The browser reconnects by itself (server restart, network blip).
          setState((s) => ({ ...s, live: 'connecting' }));
          return;
        }
        // Refused (e.g. the session ended): poll, and try the stream again later.
        es = null;
        setState((s) => ({ ...s, live: 'polling' }));
        void fetchOnce();
        if (!poll) poll = setInterval(() => void fetchOnce(), POLL_MS);
        retry = setTimeout(connect, 30_000);
      };
    };
    connect();
    return () => {
      stopped = true;
      es?.close();
      clearInterval(poll);
      clearTimeout(retry);
    };
  }, []);
  return state;
}

/** Re-renders every 30 s, so ages and deadlines stay true. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

export function QueuePage() {
  useTitle('Queue', 'Settle agent console');
  useFocusHeading('queue');
  const q = useLiveQueue();
  const now = useNow();
  const mine = myCases();
  return (
    <main id="main" class="wide">
      <div class="page-head">
        <h1>Queue</h1>
        <p class="row">
          <LiveBadge live={q.live} />
          {q.updatedAt && <span class="small muted">Updated {new Date(q.updatedAt).toLocaleTimeString()}</span>}
        </p>
      </div>
      <p class="muted">Cases a person has to pick up, soonest deadline first. Claim one to own it: the customer's chat, screen share and the decision are then yours.</p>
      {q.error && !q.items && <ErrorMessage error={q.error} onRetry={() => location.reload()} />}
      {q.error && q.items && (
        <p class="alert alert-error" role="alert">
          {q.error}
        </p>
      )}
      {!q.items && !q.error && <Loading label="Loading the queue…" />}
      {q.items && q.items.length === 0 && (
        <Empty>
          <p>
            <strong>The queue is empty.</strong> New handoffs appear here as they happen.
          </p>
        </Empty>
      )}
      {q.items && q.items.length > 0 && <QueueTable items={q.items} now={now} />}
      {mine.length > 0 && (
        <section class="card" aria-labelledby="mine-h">
          <h2 id="mine-h">Your cases</h2>
          <ul class="list-plain mine">
            {mine.map((c) => (
              <li key={c.handoff_id}>
                <Link href={c.dispute_id ? `/agent/cases/${c.dispute_id}` : `/agent/handoffs/${c.handoff_id}`}>{c.label}</Link>{' '}
                <span class="small muted">claimed {formatDateTime(c.claimed_at)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

function LiveBadge({ live }: { live: Live }) {
  if (live === 'live')
    return (
      <Badge tone="good" role="status">
        ● Live
      </Badge>
    );
  if (live === 'polling')
    return (
      <Badge tone="warn" role="status">
        Live updates unavailable · refreshing every 10 s
      </Badge>
    );
  return (
    <Badge tone="neutral" role="status">
      Connecting…
    </Badge>
  );
}

function QueueTable({ items, now }: { items: QueueItem[]; now: number }) {
  return (
    <div class="table-wrap card flush">
      <table class="queue">
        <caption class="visually-hidden">Open handoffs, soonest deadline first</caption>
        <thead>
          <tr>
            <th scope="col">Due</th>
            <th scope="col">Case</th>
            <th scope="col">Reason</th>
            <th scope="col" class="num">
              Amount
            </th>
            <th scope="col">Handed over because</th>
            <th scope="col">Waiting</th>
            <th scope="col">
              <span class="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((h) => (
            <QueueRow key={h.id} h={h} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function categoryTone(c: string): 'bad' | 'warn' | 'info' {
  if (c === 'fraud' || c === 'vulnerable_customer') return 'bad';
  if (c.includes('overturned') || c === 'tool_failure') return 'warn';
  return 'info';
}

function QueueRow({ h, now }: { h: QueueItem; now: number }) {
  const [state, setState] = useState<{ busy?: boolean; error?: string }>({});
  const left = new Date(h.deadline_at).getTime() - now;
  const label = h.dispute_id ? `${h.merchant || 'Dispute'} · ${reasonShort(h.reason)}` : 'Chat without a dispute';
  const claimRef = useRef<HTMLButtonElement>(null);
  async function claim() {
    setState({ busy: true });
    try {
      await api.post(`/v1/agent/handoffs/${encodeURIComponent(h.id)}/claim`, {});
      rememberCase({ handoff_id: h.id, dispute_id: h.dispute_id, conversation_id: h.conversation_id ?? '', label, claimed_at: new Date().toISOString() });
      navigate(h.dispute_id ? `/agent/cases/${h.dispute_id}` : `/agent/handoffs/${h.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return sessionExpired();
      setState({ error: e instanceof ApiError && e.status === 409 ? 'Another agent claimed this case first.' : errorText(e) });
      claimRef.current?.focus();
    }
  }
  return (
    <tr class={left < 0 ? 'overdue' : undefined}>
      <td class="nowrap">
        <time dateTime={h.deadline_at} title={formatDateTime(h.deadline_at)}>
          {left < 0 ? <Badge tone="bad">Overdue {duration(-left)}</Badge> : `in ${duration(left)}`}
        </time>
      </td>
      <td>
        <Link href={h.dispute_id ? `/agent/cases/${h.dispute_id}` : `/agent/handoffs/${h.id}`} class="case-link">
          {h.dispute_id ? h.merchant || h.dispute_id : 'Customer chat'}
        </Link>
        <div class="small muted summary-line">{h.summary}</div>
        <div class="small muted mono">{h.dispute_id || h.conversation_id}</div>
      </td>
      <td>{h.reason ? reasonShort(h.reason) : <span class="muted">Not a dispute yet</span>}</td>
      <td class="num">{h.currency ? formatMoney(h.amount, h.currency) : '—'}</td>
      <td>
        <Badge tone={categoryTone(h.reason_category)}>
          {humanize(h.reason_category)}
        </Badge>
      </td>
      <td class="nowrap">
        <time dateTime={h.created_at} title={formatDateTime(h.created_at)}>
          {duration(now - new Date(h.created_at).getTime())}
        </time>
      </td>
      <td>
        <button type="button" ref={claimRef} class="button small" disabled={state.busy} onClick={() => void claim()} aria-label={`Claim ${label}`}>
          {state.busy ? 'Claiming…' : 'Claim'}
        </button>
        {state.error && (
          <p class="small bad" role="alert">
            {state.error}
          </p>
        )}
      </td>
    </tr>
  );
}
