// The chat widget. Messages go over the conversation's WebSocket when a ticket
// can be had (POST /v1/ws-tickets); otherwise over REST, with the transcript
// polled every 3 s so agent messages still arrive.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, newIdempotencyKey } from '../shared/api';
import { Link } from '../shared/router';
import type { ChatMessage, Citation, Conversation, QuickReply, SendResult } from '../shared/types';
import { humanize } from '../shared/format';
import { reasonShort } from '../shared/vocab';
import { cobrowseRequested } from './cobrowse';
import { api, currentSession, dataChanged } from './session';

interface Line {
  key: string;
  role: 'customer' | 'bot' | 'agent' | 'system' | 'error';
  text: string;
  author?: string;
  citations?: Citation[];
  quick?: QuickReply[];
}

type Mode = 'idle' | 'connecting' | 'live' | 'polling' | 'unavailable';

const POLL_MS = 3000;
const AGENT_JOINED = 'A person from our support team joined the chat.';
const convKey = () => `settle.app.conversation.${currentSession()?.customerId ?? ''}`;
const OPEN_KEY = 'settle.app.chat.open';

let lineSeq = 0;
const key = () => `l${++lineSeq}`;

function fromTranscript(msgs: ChatMessage[]): Line[] {
  const out: Line[] = [];
  let lastQuick: QuickReply[] = [];
  let agentSeen = false;
  for (const m of msgs) {
    const role = m.role === 'customer' || m.role === 'bot' || m.role === 'agent' ? m.role : 'system';
    if (role === 'agent' && !agentSeen) {
      agentSeen = true;
      out.push({ key: `j${m.seq}`, role: 'system', text: AGENT_JOINED });
    }
    let text = m.text;
    if (role === 'customer') text = lastQuick.find((q) => q.payload === m.text)?.label ?? text;
    out.push({ key: `s${m.seq}`, role, text, author: m.author, citations: m.citations ?? [], quick: m.quick_replies ?? [] });
    if (role === 'bot') lastQuick = m.quick_replies ?? [];
    else if (role === 'customer') lastQuick = [];
  }
  return out;
}

interface Case {
  dispute?: SendResult['dispute'];
  handoff?: SendResult['handoff'];
  agentJoined?: boolean;
}

export function ChatWidget() {
  const [open, setOpen] = useState(() => sessionStorage.getItem(OPEN_KEY) === '1');
  const [lines, setLines] = useState<Line[]>([]);
  const [mode, setMode] = useState<Mode>('idle');
  const [unavailable, setUnavailable] = useState('');
  const [waiting, setWaiting] = useState(false);
  const [text, setText] = useState('');
  const [kase, setCase] = useState<Case>({});
  const [unread, setUnread] = useState(0);
  const conv = useRef<string | null>(sessionStorage.getItem(convKey()));
  const ws = useRef<WebSocket | null>(null);
  const sending = useRef(false);
  const started = useRef(false);
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const launcherRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef(open);
  openRef.current = open;

  useEffect(() => {
    sessionStorage.setItem(OPEN_KEY, open ? '1' : '0');
    if (open) {
      setUnread(0);
      if (!started.current) {
        started.current = true;
        start();
      }
      setTimeout(() => inputRef.current?.focus(), 0);
    }
  }, [open]);

  useEffect(() => () => closeSocket(), []);

  // Keep the newest message in view.
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines, waiting, open]);

  // Poll the transcript while the socket is not available.
  useEffect(() => {
    if (mode !== 'polling') return;
    const t = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(t);
  }, [mode]);

  function closeSocket() {
    const s = ws.current;
    ws.current = null;
    if (s) {
      s.onclose = null;
      s.close();
    }
  }

  function append(...ls: Line[]) {
    setLines((prev) => [...prev, ...ls]);
    if (!openRef.current && ls.some((l) => l.role === 'agent' || l.role === 'bot')) setUnread((n) => n + 1);
  }

  async function start() {
    setMode('connecting');
    try {
      if (conv.current) {
        try {
          await refresh(true);
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) conv.current = null;
          else throw e;
        }
      }
      if (!conv.current) {
        const c = await api.post<{ conversation_id: string }>('/v1/conversations', {}, { idempotencyKey: newIdempotencyKey() });
        conv.current = c.conversation_id;
        sessionStorage.setItem(convKey(), c.conversation_id);
        setLines([]);
      }
      await connect();
    } catch (e) {
      setMode('unavailable');
      setUnavailable(
        e instanceof ApiError && e.status === 404
          ? 'Chat is not available on this server yet.'
          : `Chat is not available right now. ${(e as Error).message}`,
      );
    }
  }

  /** Reloads the transcript (the server's copy is the truth). */
  async function refresh(initial = false) {
    if (!conv.current || (sending.current && !initial)) return;
    const c = await api.get<Conversation>(`/v1/conversations/${encodeURIComponent(conv.current)}`);
    if (sending.current && !initial) return;
    const next = fromTranscript(c.messages ?? []);
    setLines((prev) => {
      const newFromOthers = next.filter((l) => l.role === 'agent').length - prev.filter((l) => l.role === 'agent').length;
      if (newFromOthers > 0 && !openRef.current) setUnread((n) => n + newFromOthers);
      // Keep local error lines at the end; everything else comes from the server.
      return [...next, ...prev.filter((l) => l.role === 'error')];
    });
    if (c.status === 'agent') setCase((k) => ({ ...k, agentJoined: true }));
    if (c.dispute_id) setCase((k) => (k.dispute ? k : { ...k, dispute: { id: c.dispute_id!, status: '', reason: '', payments_paused: true } }));
  }

  async function connect() {
    let ticket: string;
    try {
      ticket = (await api.post<{ ticket: string }>('/v1/ws-tickets', {})).ticket;
    } catch {
      setMode('polling'); // no tickets on this server (404) or not now: REST and polling work everywhere
      return;
    }
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const s = new WebSocket(`${proto}//${location.host}/v1/conversations/${encodeURIComponent(conv.current!)}/ws?ticket=${encodeURIComponent(ticket)}`);
    ws.current = s;
    s.onopen = () => setMode('live');
    s.onmessage = (ev) => onFrame(ev.data);
    s.onclose = () => {
      if (ws.current !== s) return;
      ws.current = null;
      setMode('polling');
      setWaiting(false);
      // Try the socket again later; meanwhile polling keeps the transcript current.
      setTimeout(() => {
        if (!ws.current && conv.current) void connect();
      }, 10_000);
    };
  }

  function onFrame(raw: unknown) {
    let f: Record<string, unknown>;
    try {
      f = JSON.parse(String(raw));
    } catch {
      return;
    }
    switch (f.type) {
      case 'reply':
        setWaiting(false);
        append({ key: key(), role: 'bot', text: String(f.text ?? ''), citations: (f.citations as Citation[]) ?? [], quick: (f.quick_replies as QuickReply[]) ?? [] });
        break;
      case 'agent_message':
        setWaiting(false);
        append({ key: key(), role: 'agent', text: String(f.text ?? '') });
        break;
      case 'cobrowse_request':
        cobrowseRequested(); // the SDK asks for consent in its own dialog
        break;
      case 'agent_joined':
        setCase((k) => ({ ...k, agentJoined: true }));
        append({ key: key(), role: 'system', text: AGENT_JOINED });
        break;
      case 'dispute':
        setCase((k) => ({ ...k, dispute: { id: String(f.id), status: String(f.status), reason: String(f.reason), payments_paused: Boolean(f.payments_paused) } }));
        dataChanged();
        break;
      case 'handoff':
        setCase((k) => ({ ...k, handoff: { id: String(f.id), status: String(f.status), reason_category: String(f.reason_category) } }));
        break;
      case 'error':
        setWaiting(false);
        append({ key: key(), role: 'error', text: String(f.message ?? 'Your message could not be sent.') });
        break;
      // cobrowse_request is handled by the cobrowse consent dialog, which comes with cobrowse.
    }
  }

  async function send(message: string, label?: string) {
    const t = message.trim();
    if (!t || sending.current || !conv.current) return;
    append({ key: key(), role: 'customer', text: label ?? t });
    setText('');
    const s = ws.current;
    if (s && s.readyState === WebSocket.OPEN) {
      s.send(JSON.stringify({ type: 'message', text: t }));
      // An agent-owned chat gets no bot reply; otherwise show typing until one comes.
      if (!kase.agentJoined) {
        setWaiting(true);
        setTimeout(() => setWaiting(false), 15_000);
      }
      return;
    }
    sending.current = true;
    setWaiting(true);
    try {
      const res = await api.post<SendResult>(`/v1/conversations/${encodeURIComponent(conv.current)}/messages`, { text: t }, { idempotencyKey: newIdempotencyKey() });
      append(...res.replies.map((r): Line => ({ key: key(), role: 'bot', text: r.text, citations: r.citations ?? [], quick: r.quick_replies ?? [] })));
      setCase((k) => ({ ...k, dispute: res.dispute ?? k.dispute, handoff: res.handoff ?? k.handoff }));
      if (res.dispute || res.handoff) dataChanged();
    } catch (e) {
      append({ key: key(), role: 'error', text: `Not sent: ${(e as Error).message}` });
      setText(t);
    } finally {
      sending.current = false;
      setWaiting(false);
    }
  }

  function close() {
    setOpen(false);
    setTimeout(() => launcherRef.current?.focus(), 0);
  }

  const lastBot = [...lines].reverse().find((l) => l.role !== 'error' && l.role !== 'system');
  const quick = lastBot?.role === 'bot' ? lastBot.quick ?? [] : [];

  return (
    <div class="chat" data-settle-chat>
      {!open && (
        <button type="button" ref={launcherRef} class="chat-launcher" aria-expanded="false" aria-controls="chat-panel" onClick={() => setOpen(true)} data-settle-unredact>
          <ChatIcon /> <span class="chat-launcher-text">Chat with us</span>
          {unread > 0 && <span class="chat-unread">{unread} new</span>}
        </button>
      )}
      {open && (
        <section
          id="chat-panel"
          class="chat-panel"
          aria-labelledby="chat-title"
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
          }}
        >
          <header class="chat-head">
            <div>
              <h2 id="chat-title" data-settle-unredact>
                {kase.agentJoined ? 'Chat with our team' : 'Loop assistant'}
              </h2>
              <p class="chat-mode small">{modeText(mode)}</p>
            </div>
            <button type="button" class="chat-close" aria-label="Close chat" onClick={close}>
              ×
            </button>
          </header>
          <CaseBanner
            kase={kase}
            onLeave={() => {
              // On a phone the chat covers the page: get out of the way.
              if (matchMedia('(max-width: 600px)').matches) setOpen(false);
            }}
          />
          <div class="chat-log" ref={logRef} role="log" aria-live="polite" aria-relevant="additions" tabIndex={0} aria-label="Conversation">
            {unavailable && (
              <p class="chat-unavailable" role="alert">
                {unavailable}
              </p>
            )}
            {lines.length === 0 && mode !== 'unavailable' && (
              <p class="chat-intro">
                Hi{currentSession()?.name ? ` ${currentSession()!.name.split(' ')[0]}` : ''}! Ask about a payment, or tell me what went wrong with an order. You can ask for a person at any time.
              </p>
            )}
            {lines.map((l) => (
              <ChatLine key={l.key} line={l} />
            ))}
            {waiting && (
              <p class="chat-typing" role="status">
                <span class="visually-hidden">The assistant is typing</span>
                <span aria-hidden="true">•••</span>
              </p>
            )}
          </div>
          {unavailable ? null : (
            <>
              {quick.length > 0 && !waiting && (
                <div class="chat-quick" role="group" aria-label="Suggested answers">
                  {quick.map((q) => (
                    <button type="button" key={q.payload + q.label} class="button secondary small" onClick={() => send(q.payload, q.label)}>
                      {q.label}
                    </button>
                  ))}
                </div>
              )}
              <form
                class="chat-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  void send(text);
                }}
              >
                <label for="chat-input" class="visually-hidden">
                  Message
                </label>
                <textarea
                  id="chat-input"
                  ref={inputRef}
                  rows={2}
                  maxLength={4000}
                  placeholder="Type your message"
                  value={text}
                  onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && !e.shiftKey) {
                      e.preventDefault();
                      void send(text);
                    }
                  }}
                />
                <button type="submit" class="button" disabled={!text.trim() || waiting || mode === 'connecting' || mode === 'idle'}>
                  Send
                </button>
              </form>
            </>
          )}
        </section>
      )}
    </div>
  );
}

function modeText(mode: Mode): string {
  switch (mode) {
    case 'connecting':
      return 'Connecting…';
    case 'live':
      return 'Connected';
    case 'polling':
      return 'Connected · checking for new messages';
    case 'unavailable':
      return 'Unavailable';
  }
  return '';
}

function CaseBanner({ kase, onLeave }: { kase: Case; onLeave: () => void }) {
  if (!kase.dispute && !kase.handoff) return null;
  return (
    <div class="chat-banner" data-settle-unredact>
      {kase.dispute && (
        <p>
          <strong>Dispute opened</strong>
          {kase.dispute.reason && <> · {reasonShort(kase.dispute.reason)}</>}
          {kase.dispute.payments_paused && <> · payments paused</>}.{' '}
          <Link href={`/app/disputes/${kase.dispute.id}`} onClick={onLeave}>
            See its status
          </Link>
        </p>
      )}
      {kase.handoff && (
        <p>
          <strong>A specialist will take over</strong>
          {kase.handoff.reason_category && <span class="muted"> ({humanize(kase.handoff.reason_category)})</span>}. You can keep writing here.
        </p>
      )}
    </div>
  );
}

function ChatLine({ line: l }: { line: Line }) {
  if (l.role === 'system') return <p class="chat-system">{l.text}</p>;
  if (l.role === 'error')
    return (
      <p class="chat-error" role="alert">
        {l.text}
      </p>
    );
  const who = l.role === 'customer' ? 'You' : l.role === 'agent' ? 'Support agent' : 'Assistant';
  return (
    <div class={`chat-msg chat-${l.role}`}>
      <span class="chat-who">{who}</span>
      <p class="chat-text">{l.text}</p>
      {l.citations && l.citations.length > 0 && (
        <div class="chat-cites">
          <span class="small muted">Based on:</span>
          <ul>
            {l.citations.map((c) => (
              <li key={c.url}>
                <a href={c.url} target="_blank" rel="noopener">
                  {c.title || `${humanize(c.document)} §${c.section}`}
                  <span class="visually-hidden"> (opens in a new tab)</span>
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function ChatIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z" />
    </svg>
  );
}
