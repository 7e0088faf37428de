// The agent's view of a customer's app: rrweb's replayer in live mode, fed
// the redacted events the server relays, inside the sandboxed iframe rrweb
// creates (allow-same-origin only: scripts never run). A transparent layer
// over it turns the agent's pointer, drawings, highlights and — when the
// customer grants control — clicks, scrolls and typing into the control
// messages of cobrowse/PROTOCOL.md. RecordingPlayer replays a stored
// recording for the ops console.
import { Replayer } from '@rrweb/replay';
import '@rrweb/replay/dist/style.css';
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { openAgentSocket, staffApi } from './staff';
import './viewer.css';

type Capability = 'view' | 'pointer' | 'draw' | 'control';
type Status = 'connecting' | 'requested' | 'awaiting_consent' | 'active' | 'ended';
type Tool = 'pointer' | 'draw' | 'highlight' | 'control';
type Point = { x: number; y: number };
type RREvent = { type: number; data: unknown; timestamp: number };

const END_WORDS: Record<string, string> = {
  ended_by_customer: 'The customer ended the session.',
  ended_by_agent: 'You ended the session.',
  declined: 'The customer declined to share their screen.',
  consent_withdrawn: 'The customer withdrew their consent.',
  idle_timeout: "The session ended: no activity from the customer's app for too long.",
  consent_timeout: 'The customer did not answer the request in time.',
  recording_failed: 'The session ended: it could not be recorded, so it cannot be shown.',
};

const ERROR_WORDS: Record<string, string> = {
  not_active: 'The customer has not accepted yet.',
  customer_offline: "The customer's app is not connected right now.",
  capability_missing: 'The customer has not allowed that.',
  unknown_node: 'That element is no longer on the page.',
  masked_node: 'That element is redacted: control on redacted elements is never allowed.',
  customer_busy: "The customer's app is busy; try again.",
  refused_by_customer: "The customer's app refused: the element is redacted or cannot take that.",
};

export function endWords(reason: string | undefined): string {
  return (reason && END_WORDS[reason]) || 'The session has ended.';
}

/** Scales the replayer's wrapper to the width of its container. */
function fit(replayer: Replayer, stage: HTMLElement, size: { w: number; h: number }): number {
  const s = Math.min(1, stage.clientWidth / Math.max(1, size.w));
  replayer.wrapper.style.transform = `scale(${s})`;
  replayer.wrapper.style.transformOrigin = 'top left';
  stage.style.height = `${Math.ceil(size.h * s)}px`;
  return s;
}

export function CobrowseViewer(props: { sessionId: string; onEnded?: (reason: string) => void }) {
  const { sessionId } = props;
  const stageRef = useRef<HTMLDivElement>(null);
  const layerRef = useRef<HTMLDivElement>(null);
  const replayerRef = useRef<Replayer | null>(null);
  const wsRef = useRef<WebSocket | null>(null);
  const scaleRef = useRef(1);
  const sizeRef = useRef({ w: 1024, h: 640 });
  const onEndedRef = useRef(props.onEnded);
  onEndedRef.current = props.onEnded;
  const [status, setStatus] = useState<Status>('connecting');
  const [caps, setCaps] = useState<Capability[]>([]);
  const [endReason, setEndReason] = useState<string>('');
  const [notice, setNoticeText] = useState<string>('');
  const [notices, setNotices] = useState(0); // how many so far (a test hook, and a key to re-announce)
  const setNotice = (t: string) => {
    setNoticeText(t);
    if (t) setNotices((n) => n + 1);
  };
  const [tool, setTool] = useState<Tool>('pointer');
  const [hasPage, setHasPage] = useState(false);
  const [drawing, setDrawing] = useState<Point[] | null>(null);
  const [strokes, setStrokes] = useState<{ id: number; points: Point[] }[]>([]);
  const [hover, setHover] = useState<DOMRect | null>(null);
  const [selected, setSelected] = useState<{ id: number; label: string } | null>(null);
  const [text, setText] = useState('');
  const [controlAsked, setControlAsked] = useState(false);
  const [, setLayout] = useState(0); // re-render when the scale or the page size changes
  const endedRef = useRef(false);

  // The replayer and the socket live as long as the component.
  useEffect(() => {
    const stage = stageRef.current!;
    const replayer = new Replayer([], {
      root: stage,
      liveMode: true,
      mouseTail: false,
      showWarning: false,
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
      pauseAnimation: false,
    });
    replayer.iframe.setAttribute('title', "The customer's screen (redacted)");
    replayer.iframe.setAttribute('tabindex', '-1');
    replayer.on('resize', (d) => {
      const { width, height } = d as { width: number; height: number };
      sizeRef.current = { w: width, h: height };
      scaleRef.current = fit(replayer, stage, sizeRef.current);
      setLayout((n) => n + 1);
    });
    replayer.startLive();
    replayerRef.current = replayer;
    const onWindowResize = () => {
      scaleRef.current = fit(replayer, stage, sizeRef.current);
      setLayout((n) => n + 1);
    };
    addEventListener('resize', onWindowResize);

    let closed = false;
    let retries = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const finish = (reason: string) => {
      if (endedRef.current) return;
      endedRef.current = true;
      setStatus('ended');
      setEndReason(reason);
      onEndedRef.current?.(reason);
    };
    const connect = async () => {
      let ws: WebSocket;
      try {
        ws = await openAgentSocket(sessionId);
      } catch (e) {
        retry((e as Error).message);
        return;
      }
      if (closed) {
        ws.close(1000);
        return;
      }
      wsRef.current = ws;
      ws.onopen = () => (retries = 0);
      ws.onmessage = (m) => {
        if (typeof m.data !== 'string') return;
        let msg: { type: string; [k: string]: unknown };
        try {
          msg = JSON.parse(m.data);
        } catch {
          return;
        }
        switch (msg.type) {
          case 'state':
            setCaps((msg.capabilities as Capability[]) ?? []);
            if (msg.status === 'ended') finish((msg.end_reason as string) || 'ended');
            else setStatus(msg.status as Status);
            if ((msg.capabilities as Capability[])?.includes('control')) setControlAsked(false);
            return;
          case 'events':
            for (const e of msg.events as RREvent[]) {
              if (!viewable(e)) continue;
              // Played on arrival: the customer's clock may differ from ours.
              last = Math.max(Date.now(), last);
              e.timestamp = last;
              replayer.addEvent(e as never);
              if (e.type === 2) setHasPage(true);
            }
            return;
          case 'error':
            setNotice(ERROR_WORDS[msg.code as string] ?? (msg.reason as string) ?? 'That was refused.');
            return;
        }
      };
      ws.onclose = (e) => {
        if (wsRef.current === ws) wsRef.current = null;
        if (closed || endedRef.current) return;
        if (e.code === 1000) {
          finish(reasonFromClose(e.reason));
          return;
        }
        retry(e.reason || 'the connection was lost');
      };
    };
    const retry = async (why: string) => {
      if (closed || endedRef.current) return;
      // The session may have ended while we were away.
      try {
        const s = await staffApi<{ status: Status; end_reason?: string }>('GET', `/v1/cobrowse/sessions/${encodeURIComponent(sessionId)}`);
        if (s.status === 'ended') {
          finish(s.end_reason || 'ended');
          return;
        }
      } catch {
        // Try the socket again.
      }
      if (++retries > 6) {
        setNotice(`Lost the connection to the session: ${why}`);
        return;
      }
      setStatus('connecting');
      retryTimer = setTimeout(() => void connect(), Math.min(500 * 2 ** retries, 8000));
    };
    void connect();
    return () => {
      closed = true;
      clearTimeout(retryTimer);
      removeEventListener('resize', onWindowResize);
      wsRef.current?.close(1000, 'viewer closed');
      wsRef.current = null;
      replayer.destroy();
      replayerRef.current = null;
    };
  }, [sessionId]);

  // Notices fade after a while.
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNoticeText(''), 6000);
    return () => clearTimeout(t);
  }, [notice, notices]);

  const send = (m: unknown) => {
    const ws = wsRef.current;
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
  };

  /** The point in the customer's viewport under a mouse event. */
  const toPage = (e: { clientX: number; clientY: number }): Point => {
    const r = layerRef.current!.getBoundingClientRect();
    const s = scaleRef.current;
    return { x: Math.round((e.clientX - r.left) / s), y: Math.round((e.clientY - r.top) / s) };
  };

  /** The replayed element under p and its rrweb id (the customer's recorder's id). */
  const nodeAt = (p: Point): { el: Element; id: number } | null => {
    const r = replayerRef.current;
    const doc = r?.iframe.contentDocument;
    const el = doc?.elementFromPoint(p.x, p.y);
    if (!r || !el) return null;
    const id = r.getMirror().getId(el);
    return id > 0 ? { el, id } : null;
  };

  const lastPointer = useRef(0);
  const onMove = (e: PointerEvent) => {
    const p = toPage(e);
    if (drawing) {
      setDrawing([...drawing, p]);
      return;
    }
    if (tool === 'pointer' && caps.includes('pointer')) {
      const now = performance.now();
      if (now - lastPointer.current > 50) {
        lastPointer.current = now;
        send({ type: 'pointer', x: p.x, y: p.y });
      }
    }
    if (tool === 'highlight' || tool === 'control') {
      const n = nodeAt(p);
      setHover(n ? n.el.getBoundingClientRect() : null);
    }
  };
  const onDown = (e: PointerEvent) => {
    if (tool !== 'draw' || !caps.includes('draw')) return;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    setDrawing([toPage(e)]);
  };
  const onUp = () => {
    if (!drawing) return;
    const points = drawing.slice(0, 1000);
    setDrawing(null);
    if (points.length > 0) {
      send({ type: 'draw', points });
      const id = Date.now();
      setStrokes((s) => [...s, { id, points }]);
      setTimeout(() => setStrokes((s) => s.filter((x) => x.id !== id)), 5000);
    }
  };
  const onClick = (e: MouseEvent) => {
    const n = nodeAt(toPage(e));
    if (!n) return;
    if (tool === 'highlight' && caps.includes('pointer')) send({ type: 'highlight', node_id: n.id });
    if (tool === 'control' && caps.includes('control')) {
      send({ type: 'click', node_id: n.id });
      const tag = n.el.tagName.toLowerCase();
      if (tag === 'input' || tag === 'textarea') {
        const label = n.el.getAttribute('aria-label') || n.el.getAttribute('name') || n.el.id || tag;
        setSelected({ id: n.id, label });
      }
    }
  };
  const lastScroll = useRef(0);
  const onWheel = (e: WheelEvent) => {
    if (tool !== 'control' || !caps.includes('control')) return;
    e.preventDefault();
    const now = performance.now();
    if (now - lastScroll.current < 100) return;
    lastScroll.current = now;
    const n = nodeAt(toPage(e));
    let el: Element | null = n?.el ?? null;
    while (el && el.scrollHeight <= el.clientHeight + 1 && el.parentElement) el = el.parentElement;
    const r = replayerRef.current;
    if (!el || !r) return;
    const id = r.getMirror().getId(el);
    if (id > 0) send({ type: 'scroll', node_id: id, x: el.scrollLeft + e.deltaX, y: Math.max(0, el.scrollTop + e.deltaY) });
  };

  const end = async () => {
    send({ type: 'end' });
    try {
      await staffApi('POST', `/v1/cobrowse/sessions/${encodeURIComponent(sessionId)}/end`, {});
    } catch {
      // The socket message ends it too.
    }
  };

  const active = status === 'active';
  const can = (c: Capability) => active && caps.includes(c);
  const tools: { id: Tool; label: string; need: Capability }[] = [
    { id: 'pointer', label: 'Pointer', need: 'pointer' },
    { id: 'draw', label: 'Draw', need: 'draw' },
    { id: 'highlight', label: 'Highlight', need: 'pointer' },
    { id: 'control', label: 'Control', need: 'control' },
  ];
  const s = scaleRef.current;
  return (
    <div class="cb-viewer" data-status={status} data-notices={notices}>
      <div class="cb-toolbar" role="toolbar" aria-label="Screen share tools">
        <StatusBadge status={status} />
        <div class="cb-tools" role="radiogroup" aria-label="Tool">
          {tools.map((t) => (
            <button
              key={t.id}
              type="button"
              role="radio"
              aria-checked={tool === t.id}
              class={`cb-tool${tool === t.id ? ' is-on' : ''}`}
              disabled={!can(t.need)}
              title={can(t.need) ? undefined : `The customer has not allowed ${t.need}`}
              onClick={() => setTool(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        <button
          type="button"
          class="button secondary small"
          disabled={!active || caps.includes('control') || controlAsked}
          onClick={() => {
            send({ type: 'request_control' });
            setControlAsked(true);
            setNotice('Asked the customer for control.');
          }}
        >
          {caps.includes('control') ? 'Control granted' : controlAsked ? 'Control requested…' : 'Request control'}
        </button>
        <button type="button" class="button danger small cb-end" disabled={status === 'ended'} onClick={() => void end()}>
          End session
        </button>
      </div>
      {tool === 'control' && can('control') && (
        <form
          class="cb-type"
          onSubmit={(e) => {
            e.preventDefault();
            if (!selected || !text) return;
            send({ type: 'type', node_id: selected.id, text });
            setText('');
          }}
        >
          <label for="cb-type-text">{selected ? `Type into “${selected.label}”` : 'Click a field on the page to type into it'}</label>
          <input id="cb-type-text" value={text} disabled={!selected} maxLength={1000} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
          <button type="submit" class="button small" disabled={!selected || !text}>
            Type
          </button>
        </form>
      )}
      <p class="cb-status-line" role="status" aria-live="polite">
        {status === 'connecting' && 'Connecting to the session…'}
        {(status === 'requested' || status === 'awaiting_consent') && 'Waiting for the customer to accept the screen share…'}
        {active && !hasPage && 'The customer accepted. Waiting for their screen…'}
        {active && hasPage && `Live. Personal details are redacted. Allowed: ${caps.join(', ')}.`}
        {status === 'ended' && endWords(endReason)}
      </p>
      {notice && (
        <p class="cb-notice" role="alert" key={notices}>
          {notice}
        </p>
      )}
      <div class={`cb-stage-wrap${hasPage ? '' : ' is-empty'}`}>
        <div class="cb-stage" ref={stageRef} />
        <div
          ref={layerRef}
          class={`cb-layer cb-tool-${tool}`}
          style={{ width: `${Math.ceil(sizeRef.current.w * s)}px` }}
          onPointerMove={onMove}
          onPointerDown={onDown}
          onPointerUp={onUp}
          onPointerLeave={() => setHover(null)}
          onClick={onClick}
          onWheel={onWheel}
          aria-hidden="true"
        >
          <svg class="cb-strokes" viewBox={`0 0 ${sizeRef.current.w} ${sizeRef.current.h}`} preserveAspectRatio="none">
            {strokes.map((st) => (
              <polyline key={st.id} points={st.points.map((p) => `${p.x},${p.y}`).join(' ')} />
            ))}
            {drawing && <polyline points={drawing.map((p) => `${p.x},${p.y}`).join(' ')} />}
          </svg>
          {hover && <HoverBox rect={hover} scale={s} layer={layerRef.current} />}
        </div>
        {!hasPage && status !== 'ended' && <div class="cb-placeholder">{status === 'active' ? 'Loading the customer’s screen…' : 'The customer’s screen appears here once they accept.'}</div>}
      </div>
    </div>
  );
}

function HoverBox({ rect, scale, layer }: { rect: DOMRect; scale: number; layer: HTMLElement | null }): JSX.Element | null {
  if (!layer) return null;
  return <div class="cb-hover" style={{ left: `${rect.left * scale}px`, top: `${rect.top * scale}px`, width: `${rect.width * scale}px`, height: `${rect.height * scale}px` }} />;
}

function StatusBadge({ status }: { status: Status }) {
  const words: Record<Status, [string, string]> = {
    connecting: ['Connecting', 'neutral'],
    requested: ['Awaiting consent', 'warn'],
    awaiting_consent: ['Awaiting consent', 'warn'],
    active: ['Active', 'good'],
    ended: ['Ended', 'neutral'],
  };
  const [label, kind] = words[status];
  return <span class={`badge badge-${kind} cb-badge`}>{label}</span>;
}

function reasonFromClose(reason: string): string {
  if (/customer declined/.test(reason)) return 'declined';
  if (/withdrew/.test(reason)) return 'consent_withdrawn';
  if (/by the agent/.test(reason)) return 'ended_by_agent';
  if (/by the customer/.test(reason)) return 'ended_by_customer';
  if (/no activity/.test(reason)) return 'idle_timeout';
  if (/could not be recorded|recording/.test(reason)) return 'recording_failed';
  return 'ended';
}

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Replays a stored (redacted) recording: play, pause, seek. */
export function RecordingPlayer(props: { events: unknown[] }) {
  const stageRef = useRef<HTMLDivElement>(null);
  const replayerRef = useRef<Replayer | null>(null);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [total, setTotal] = useState(0);
  const [problem, setProblem] = useState('');

  useEffect(() => {
    const stage = stageRef.current!;
    const events = props.events as RREvent[];
    if (events.length < 2 || !events.some((e) => e.type === 2)) {
      setProblem('This recording holds no full page snapshot, so there is nothing to replay.');
      return;
    }
    setProblem('');
    const r = new Replayer(events.filter((e) => viewable(e as RREvent)) as never[], { root: stage, mouseTail: false, showWarning: false, triggerFocus: false, UNSAFE_replayCanvas: false });
    r.iframe.setAttribute('title', 'Recorded screen share (redacted)');
    let size = { w: 1024, h: 640 };
    r.on('resize', (d) => {
      const { width, height } = d as { width: number; height: number };
      size = { w: width, h: height };
      fit(r, stage, size);
    });
    r.on('finish', () => setPlaying(false));
    replayerRef.current = r;
    setTotal(r.getMetaData().totalTime);
    r.pause(0);
    const tick = setInterval(() => setTime(r.getCurrentTime()), 250);
    const onResize = () => fit(r, stage, size);
    addEventListener('resize', onResize);
    return () => {
      clearInterval(tick);
      removeEventListener('resize', onResize);
      r.destroy();
      replayerRef.current = null;
    };
  }, [props.events]);

  if (problem) return <div class="state">{problem}</div>;
  const toggle = () => {
    const r = replayerRef.current;
    if (!r) return;
    if (playing) {
      r.pause();
      setPlaying(false);
    } else {
      r.play(time >= total ? 0 : r.getCurrentTime());
      setPlaying(true);
    }
  };
  return (
    <div class="cb-viewer cb-player">
      <div class="cb-toolbar" role="toolbar" aria-label="Playback">
        <button type="button" class="button small" onClick={toggle}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <label class="cb-seek">
          <span class="visually-hidden">Position</span>
          <input
            type="range"
            min={0}
            max={Math.max(1, total)}
            step={100}
            value={Math.min(time, total)}
            onInput={(e) => {
              const t = Number((e.target as HTMLInputElement).value);
              setTime(t);
              if (playing) replayerRef.current?.play(t);
              else replayerRef.current?.pause(t);
            }}
          />
        </label>
        <span class="cb-time mono">
          {clock(time)} / {clock(total)}
        </span>
      </div>
      <div class="cb-stage-wrap">
        <div class="cb-stage" ref={stageRef} />
      </div>
    </div>
  );
}

/**
 * viewable is false for the mouse interactions the replayer would re-dispatch
 * as synthetic DOM events into its sandboxed iframe (mouse down/up, double
 * click, context menu, focus, blur, touches): the page's scripts are not
 * replayed, so they do nothing there except make Chromium log "Blocked script
 * execution" for each. Clicks stay (the replayer shows them on the pointer),
 * as do pointer moves.
 */
function viewable(e: RREvent): boolean {
  const d = (e as { data?: { source?: number; type?: number } }).data;
  return !(e.type === 3 && d?.source === 2 && d.type !== 2);
}
