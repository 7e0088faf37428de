// Settle cobrowse, the customer side: lets a support agent see this app
// (redacted), with the customer's consent, and point, draw or — when the
// customer allows it — click, scroll and type on their behalf. See
// README.md for how to add it to an app and PROTOCOL.md (cobrowse/) for the
// wire protocol.
import { Privacy, type PolicySelectors } from './privacy';
import { Recorder, type RRWebEvent } from './recorder';
import { UI, type Capability } from './ui';

export { BUILTIN_SECRET, BUILTIN_UNREDACT, UI_CLASS, Privacy, mask } from './privacy';
export type { Capability } from './ui';

export type Phase = 'idle' | 'code' | 'asking' | 'connecting' | 'active' | 'ended';

export interface CobrowseState {
  phase: Phase;
  sessionId?: string;
  /** What the customer has granted (active) or was asked for (asking). */
  capabilities: Capability[];
  /** The code to read out to an agent on the phone (phase "code"). */
  code?: { code: string; expires_at: string };
  /** Why the last session ended, in words. */
  ended?: string;
  /** The last problem, in words. */
  error?: string;
}

export interface CobrowseOptions {
  /** Settle's origin, e.g. "https://settle.example.com"; empty for the page's own origin. */
  baseUrl?: string;
  /** The customer's bearer token (the JWT your backend signs for Settle). */
  token: () => string | null | Promise<string | null>;
  /** How often to look for a request from an agent, in ms (default 4000; 1500 while a code is shown). */
  pollMs?: number;
}

interface Session {
  session_id: string;
  status: 'requested' | 'awaiting_consent' | 'active' | 'ended';
  requested_capabilities: Capability[] | null;
  capabilities: Capability[] | null;
  end_reason?: string;
}

const END_WORDS: Record<string, string> = {
  ended_by_customer: 'You stopped sharing your screen.',
  ended_by_agent: 'The agent ended the screen share.',
  declined: 'You declined to share your screen.',
  consent_withdrawn: 'You stopped sharing your screen.',
  idle_timeout: 'Screen sharing stopped after a while without activity.',
  consent_timeout: 'The request to share your screen expired.',
  recording_failed: 'Screen sharing stopped because of a problem on our side.',
};

/** Words for a session's end_reason. */
export function endWords(reason: string | undefined): string {
  return (reason && END_WORDS[reason]) || 'Screen sharing has ended.';
}

type Control =
  | { type: 'pointer'; x: number; y: number }
  | { type: 'highlight'; node_id: number }
  | { type: 'draw'; points: { x: number; y: number }[] }
  | { type: 'click'; node_id: number }
  | { type: 'scroll'; node_id: number; x: number; y: number }
  | { type: 'type'; node_id: number; text: string }
  | { type: 'request_control' };

const FLUSH_MS = 100;
const MAX_BATCH = 500;

export class SettleCobrowse {
  private readonly opts: CobrowseOptions;
  private readonly ui = new UI();
  private state: CobrowseState = { phase: 'idle', capabilities: [] };
  private listeners = new Set<(s: CobrowseState) => void>();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  private disposed = false;
  private handled = new Set<string>(); // sessions answered here (no second dialog)
  private ws: WebSocket | null = null;
  private recorder: Recorder | null = null;
  private privacy = new Privacy();
  private queue: RRWebEvent[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private askingControl = false;

  constructor(opts: CobrowseOptions) {
    this.opts = opts;
  }

  /** The current state; subscribe to hear about changes. */
  get current(): CobrowseState {
    return this.state;
  }

  subscribe(fn: (s: CobrowseState) => void): () => void {
    this.listeners.add(fn);
    fn(this.state);
    return () => this.listeners.delete(fn);
  }

  /** Starts listening for agents' requests (polls GET /v1/me/cobrowse/sessions). */
  start() {
    if (this.polling || this.disposed) return;
    this.polling = true;
    this.ui.mount();
    void this.poll();
  }

  /** Stops everything: polling, streaming, the UI. It does not end a session (call end() first). */
  dispose() {
    this.disposed = true;
    this.polling = false;
    clearTimeout(this.pollTimer);
    this.teardown();
    this.ui.unmount();
    this.listeners.clear();
  }

  /** Looks for a request now (e.g. when your chat says an agent asked) instead of at the next poll. */
  checkNow() {
    if (this.polling) this.schedulePoll(0);
  }

  /** Gets a 6-digit code to read out to an agent on the phone. */
  async shareCode(): Promise<{ code: string; expires_at: string }> {
    const c = await this.api<{ code: string; expires_at: string }>('POST', '/v1/cobrowse/codes', {});
    this.set({ phase: 'code', code: c, error: undefined, ended: undefined });
    this.start();
    this.schedulePoll(0);
    return c;
  }

  /** Drops the code shown (it expires by itself on the server). */
  cancelCode() {
    if (this.state.phase === 'code') this.set({ phase: 'idle', code: undefined });
  }

  /** Ends the session now. */
  async end() {
    const id = this.state.sessionId;
    if (!id) return;
    if (this.ws?.readyState === WebSocket.OPEN) this.send({ type: 'end' });
    try {
      await this.api('POST', `/v1/cobrowse/sessions/${encodeURIComponent(id)}/end`, {});
    } catch {
      // The socket message ends it too.
    }
    this.finish('ended_by_customer');
  }

  /** Takes control back from the agent; they can still see (and point, draw). */
  revokeControl() {
    const caps = this.state.capabilities.filter((c) => c !== 'control');
    this.send({ type: 'consent', granted: true, capabilities: caps });
  }

  // --- polling for requests -------------------------------------------------

  private schedulePoll(ms?: number) {
    clearTimeout(this.pollTimer);
    if (!this.polling || this.disposed) return;
    const every = this.state.phase === 'code' ? 1500 : (this.opts.pollMs ?? 4000);
    this.pollTimer = setTimeout(() => void this.poll(), ms ?? every);
  }

  private async poll() {
    if (!this.polling || this.disposed) return;
    const busy = this.state.phase === 'asking' || this.state.phase === 'connecting' || this.state.phase === 'active';
    if (!busy) {
      try {
        const { sessions } = await this.api<{ sessions: Session[] }>('GET', '/v1/me/cobrowse/sessions');
        const s = sessions.find((x) => x.status !== 'ended' && !this.handled.has(x.session_id));
        if (s) await this.take(s);
      } catch (e) {
        if ((e as { status?: number }).status === 401) this.polling = false; // signed out
      }
    }
    this.schedulePoll();
  }

  private async take(s: Session) {
    this.handled.add(s.session_id);
    if (s.status === 'active') {
      // Consent was given earlier (a reload): go on sharing.
      this.set({ phase: 'connecting', sessionId: s.session_id, capabilities: s.capabilities ?? ['view'], code: undefined });
      void this.connect();
      return;
    }
    const requested = s.requested_capabilities?.length ? s.requested_capabilities : (['view'] as Capability[]);
    this.set({ phase: 'asking', sessionId: s.session_id, capabilities: requested, code: undefined, ended: undefined, error: undefined });
    // Close the question if the agent ends the request or it times out meanwhile.
    const watch = setInterval(async () => {
      try {
        const now = await this.api<Session>('GET', `/v1/cobrowse/sessions/${encodeURIComponent(s.session_id)}`);
        if (now.status === 'ended') this.ui.withdraw();
      } catch {
        // Ask on; the answer will tell.
      }
    }, 3000);
    const granted = await this.ui.askConsent(requested).finally(() => clearInterval(watch));
    const path = `/v1/cobrowse/sessions/${encodeURIComponent(s.session_id)}/consent`;
    if (granted === undefined) {
      this.set({ phase: 'idle', sessionId: undefined, capabilities: [], ended: 'The request to share your screen was withdrawn.' });
      this.ui.toast('The request to share your screen was withdrawn.');
      return;
    }
    try {
      if (!granted) {
        await this.api('POST', path, { granted: false });
        this.set({ phase: 'idle', sessionId: undefined, capabilities: [], ended: endWords('declined') });
        return;
      }
      const sess = await this.api<Session>('POST', path, { granted: true, capabilities: granted });
      this.set({ phase: 'connecting', capabilities: sess.capabilities ?? granted });
      void this.connect();
    } catch (e) {
      this.set({ phase: 'idle', sessionId: undefined, capabilities: [], error: (e as Error).message });
    }
  }

  // --- the socket -----------------------------------------------------------

  private async connect() {
    const id = this.state.sessionId;
    if (!id || this.disposed) return;
    let ticket: string;
    try {
      ticket = (await this.api<{ ticket: string }>('POST', '/v1/ws-tickets', {})).ticket;
    } catch (e) {
      this.retry((e as Error).message);
      return;
    }
    const base = new URL(this.opts.baseUrl || location.origin);
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    base.pathname = `/v1/cobrowse/sessions/${encodeURIComponent(id)}/ws`;
    base.search = `?role=customer&ticket=${encodeURIComponent(ticket)}`;
    const ws = new WebSocket(base.toString());
    this.ws = ws;
    ws.onmessage = (m) => {
      if (this.ws !== ws || typeof m.data !== 'string') return;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      this.onMessage(msg);
    };
    ws.onopen = () => {
      this.retries = 0;
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopRecording();
      if (e.code === 1000) this.finish(this.state.ended ? undefined : reasonFromClose(e.reason));
      else if (e.code === 4000) this.finish(undefined, 'Screen sharing continues in another window.');
      else if (e.code === 1008 || e.code === 1007 || e.code === 1003) this.finish(undefined, `Screen sharing stopped: ${e.reason || 'protocol error'}`);
      else this.retry(e.reason || 'connection lost');
    };
  }

  private retry(why: string) {
    if (this.disposed || !this.state.sessionId || this.state.phase === 'ended' || this.state.phase === 'idle') return;
    this.retries++;
    if (this.retries > 8) {
      this.finish(undefined, `Screen sharing stopped: ${why}`);
      return;
    }
    this.set({ phase: 'connecting' });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), Math.min(500 * 2 ** this.retries, 10000));
  }

  private onMessage(msg: Record<string, unknown>) {
    switch (msg.type) {
      case 'policy':
        this.privacy = new Privacy(msg as unknown as PolicySelectors);
        this.recorder?.setPrivacy(this.privacy);
        return;
      case 'state': {
        const caps = (msg.capabilities as Capability[]) ?? [];
        if (msg.status === 'ended') {
          this.set({ ended: endWords(msg.end_reason as string) });
          return; // the close that follows tears down
        }
        if (msg.status === 'active') {
          this.set({ phase: 'active', capabilities: caps });
          this.startRecording();
          this.ui.showBanner(caps, { stop: () => void this.end(), revokeControl: () => this.revokeControl() });
        }
        return;
      }
      case 'snapshot_request':
        this.recorder?.takeFullSnapshot();
        return;
      case 'error':
        if (msg.code !== 'consent_required') console.warn('settle cobrowse:', msg.code, msg.reason);
        return;
      default:
        this.control(msg as unknown as Control);
    }
  }

  private send(m: unknown) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  // --- recording ------------------------------------------------------------

  private startRecording() {
    if (this.recorder?.running) return;
    this.recorder = new Recorder(this.privacy, (e, urgent) => {
      this.queue.push(e);
      if (urgent || this.queue.length >= MAX_BATCH) this.flush();
      else if (this.flushTimer === undefined) this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
    });
    this.recorder.start();
  }

  private stopRecording() {
    this.recorder?.stop();
    this.recorder = null;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.queue = [];
  }

  private flush() {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.queue.length || this.ws?.readyState !== WebSocket.OPEN) return;
    const events = this.queue;
    this.queue = [];
    this.ws.send(JSON.stringify({ type: 'events', events }));
  }

  // --- the agent's pointer, drawings and control ---------------------------

  private control(m: Control) {
    if (this.state.phase !== 'active') return;
    const caps = this.state.capabilities;
    switch (m.type) {
      case 'pointer':
        if (caps.includes('pointer')) this.ui.showPointer(m.x, m.y);
        return;
      case 'draw':
        if (caps.includes('draw')) this.ui.draw(m.points);
        return;
      case 'highlight': {
        const el = this.recorder?.node(m.node_id);
        if (caps.includes('pointer') && el instanceof Element) this.ui.highlight(el);
        return;
      }
      case 'request_control':
        void this.offerControl();
        return;
      case 'click':
      case 'scroll':
      case 'type':
        this.act(m);
        return;
    }
  }

  private async offerControl() {
    if (this.askingControl || this.state.capabilities.includes('control')) return;
    this.askingControl = true;
    try {
      if (await this.ui.askControl()) this.send({ type: 'consent', granted: true, capabilities: [...this.state.capabilities, 'control'] });
    } finally {
      this.askingControl = false;
    }
  }

  /** Runs a click, scroll or type, unless it aims at something the agent may not see. */
  private act(m: Extract<Control, { node_id: number }>) {
    const refuse = (reason: string) => this.send({ type: 'control_refused', action: m.type, node_id: m.node_id, reason });
    if (!this.state.capabilities.includes('control')) return refuse('capability_missing');
    const node = this.recorder?.node(m.node_id);
    if (!(node instanceof HTMLElement) || !node.isConnected) return refuse('unknown_node');
    if (node.closest('[data-settle-cobrowse]')) return refuse('unknown_node');
    if (!this.privacy.isVisible(node)) return refuse('masked_node');
    switch (m.type) {
      case 'click':
        node.focus({ preventScroll: true });
        node.click();
        return;
      case 'scroll':
        node.scrollTo({ left: (m as { x: number }).x, top: (m as { y: number }).y, behavior: 'smooth' });
        return;
      case 'type': {
        const text = (m as { text: string }).text;
        if (node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement) {
          if (node.readOnly || node.disabled) return refuse('read_only');
          const proto = node instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
          node.focus({ preventScroll: true });
          Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(node, text);
          node.dispatchEvent(new Event('input', { bubbles: true }));
          node.dispatchEvent(new Event('change', { bubbles: true }));
          return;
        }
        return refuse('not_a_field');
      }
    }
  }

  // --- state ------------------------------------------------------------------

  private finish(reason?: string, words?: string) {
    if (this.state.phase === 'ended' || this.state.phase === 'idle') {
      this.teardown();
      return;
    }
    const ended = words ?? (reason ? endWords(reason) : this.state.ended ?? endWords(undefined));
    this.teardown();
    this.set({ phase: 'ended', capabilities: [], ended });
    this.ui.toast(ended);
  }

  private teardown() {
    clearTimeout(this.reconnectTimer);
    this.ui.withdraw();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'closed by the app');
    this.stopRecording();
    this.ui.closeDialog();
    this.ui.hideBanner();
  }

  private set(p: Partial<CobrowseState>) {
    this.state = { ...this.state, ...p };
    for (const l of this.listeners) l(this.state);
  }

  private async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await this.opts.token();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch((this.opts.baseUrl ?? '') + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const err = new Error(data?.error?.message ?? `HTTP ${res.status}`) as Error & { status: number; code?: string };
      err.status = res.status;
      err.code = data?.error?.code;
      throw err;
    }
    return data as T;
  }
}

function reasonFromClose(reason: string): string | undefined {
  if (/customer declined/.test(reason)) return 'declined';
  if (/withdrew/.test(reason)) return 'consent_withdrawn';
  if (/by the agent/.test(reason)) return 'ended_by_agent';
  if (/by the customer/.test(reason)) return 'ended_by_customer';
  if (/no activity/.test(reason)) return 'idle_timeout';
  return undefined;
}
