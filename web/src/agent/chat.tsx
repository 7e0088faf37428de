// Chat takeover: the customer's conversation, polled every 3 s, and a box to
// write to the customer (POST /v1/agent/cases/{id}/messages, or
// /v1/agent/conversations/{id}/messages for a chat without a dispute).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, newIdempotencyKey } from '../shared/api';
import { formatDateTime } from '../shared/format';
import type { ChatMessage } from '../shared/types';
import { ErrorMessage, Loading, errorText } from '../shared/ui';
import { citationHref } from './model';
import { api } from './session';

const POLL_MS = 3000;

const SEND_ERRORS: Record<string, string> = {
  not_claimed: 'Claim this case before writing to the customer.',
  claimed_by_other: 'Another agent owns this case.',
  no_handoff: 'This chat has not been handed to a person.',
};

export function ChatPanel(props: { disputeId?: string; conversationId?: string; staffId: string; canWrite: boolean; why?: string }) {
  const { disputeId, conversationId, staffId } = props;
  const readPath = disputeId ? `/v1/agent/cases/${encodeURIComponent(disputeId)}/conversation` : `/v1/agent/conversations/${encodeURIComponent(conversationId ?? '')}`;
  const writePath = disputeId ? `/v1/agent/cases/${encodeURIComponent(disputeId)}/messages` : `/v1/agent/conversations/${encodeURIComponent(conversationId ?? '')}/messages`;
  const [msgs, setMsgs] = useState<ChatMessage[] | null>(null);
  const [loadError, setLoadError] = useState<string>('');
  const [none, setNone] = useState(false);
  const [text, setText] = useState('');
  const [send, setSend] = useState<{ busy?: boolean; error?: string }>({});
  const logRef = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const d = await api.get<{ conversation: unknown; messages: ChatMessage[] }>(readPath);
        if (stopped) return;
        if (d.conversation === null) {
          setNone(true);
          return; // no chat: nothing to poll
        }
        setMsgs((old) => (old && old.length === d.messages.length && old[old.length - 1]?.seq === d.messages[d.messages.length - 1]?.seq ? old : d.messages));
        setLoadError('');
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiError && e.status === 404) {
          setNone(true);
          return; // no chat: nothing to poll
        }
        if (e instanceof ApiError && e.status === 401) return;
        setLoadError(errorText(e));
      }
      if (!stopped) timer = setTimeout(load, POLL_MS);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [readPath, tick]);

  // Keep the newest message in view unless the agent scrolled up to read.
  useEffect(() => {
    const el = logRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [msgs]);

  async function submit(e: Event) {
    e.preventDefault();
    const t = text.trim();
    if (!t) {
      setSend({ error: 'Write a message first.' });
      return;
    }
    setSend({ busy: true });
    try {
      const m = await api.post<ChatMessage>(writePath, { text: t }, { idempotencyKey: newIdempotencyKey() });
      setText('');
      setSend({});
      stick.current = true;
      setMsgs((old) => (old && !old.some((x) => x.seq === m.seq) ? [...old, m] : old));
    } catch (err) {
      setSend({ error: err instanceof ApiError ? (SEND_ERRORS[err.code] ?? err.message) : errorText(err) });
    }
  }

  return (
    <section class="card chat-panel" aria-labelledby="chat-h">
      <div class="spread">
        <h2 id="chat-h">Chat with the customer</h2>
        {msgs && !none && <span class="small muted">Updates every 3 s</span>}
      </div>
      {none && <p class="state state-empty">This case did not start in a chat, so there is no conversation to take over.</p>}
      {!none && loadError && !msgs && <ErrorMessage error={loadError} onRetry={() => setTick((n) => n + 1)} />}
      {!none && !loadError && !msgs && <Loading label="Loading the chat…" />}
      {msgs && (
        <>
          {loadError && (
            <p class="small bad" role="alert">
              {loadError} (still trying)
            </p>
          )}
          {msgs.length === 0 ? (
            <p class="state state-empty">No messages yet.</p>
          ) : (
            <ol
              class="transcript"
              ref={logRef}
              tabIndex={0}
              aria-label="Transcript"
              aria-live="polite"
              onScroll={(e) => {
                const el = e.currentTarget as HTMLOListElement;
                stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
              }}
            >
              {msgs.map((m) => (
                <Message key={m.seq} m={m} mine={m.role === 'agent' && m.author === staffId} />
              ))}
            </ol>
          )}
        </>
      )}
      {!none && (
        <form class="composer" onSubmit={submit}>
          {send.error && (
            <p class="alert alert-error" role="alert">
              {send.error}
            </p>
          )}
          <label for="agent-message">Message to the customer</label>
          {!props.canWrite && props.why && <p class="hint small muted">{props.why}</p>}
          <textarea
            id="agent-message"
            rows={3}
            maxLength={4000}
            value={text}
            disabled={!props.canWrite}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                (e.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
              }
            }}
          />
          <div class="spread">
            <span class="small muted">Enter sends · Shift+Enter for a new line</span>
            <button type="submit" class="button" disabled={!props.canWrite || send.busy}>
              {send.busy ? 'Sending…' : 'Send'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

const ROLE: Record<string, string> = { customer: 'Customer', bot: 'Assistant', agent: 'Agent', system: 'System' };

function Message({ m, mine }: { m: ChatMessage; mine: boolean }) {
  return (
    <li class={`msg msg-${m.role}${mine ? ' msg-mine' : ''}`}>
      <div class="msg-head small">
        <strong>{mine ? 'You' : (ROLE[m.role] ?? m.role)}</strong> <time dateTime={m.at}>{formatDateTime(m.at)}</time>
      </div>
      <div class="msg-text">{m.text}</div>
      {m.citations && m.citations.length > 0 && (
        <div class="small cites">
          {m.citations.map((c) => (
            <a key={c.url} href={c.url || citationHref(`${c.document}#${c.section}`)} target="_blank" rel="noopener">
              {c.title || `${c.document} §${c.section}`}
              <span class="visually-hidden"> (opens in a new tab)</span>
            </a>
          ))}
        </div>
      )}
    </li>
  );
}
