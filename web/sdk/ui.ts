// The SDK's own UI, in plain DOM so any app can use it: the consent dialog,
// the "an agent is viewing" banner, the agent's pointer, drawings and
// highlights. All of it lives under one element with UI_CLASS, which the
// recorder blocks: the agent never sees it, and it never shows page data.
import { UI_CLASS } from './privacy';

export type Capability = 'view' | 'pointer' | 'draw' | 'control';

export const CAPABILITY_WORDS: Record<Capability, { label: string; detail: string }> = {
  view: { label: 'See this app', detail: 'Your screen in this app, with personal details hidden.' },
  pointer: { label: 'Point', detail: 'Show a pointer and highlight things on your screen.' },
  draw: { label: 'Draw', detail: 'Draw on your screen to show you where to look.' },
  control: { label: 'Control', detail: 'Click, scroll and type for you. Never in hidden fields.' },
};

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: (Node | string | null | false)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== false) el.append(c);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

export class UI {
  readonly root: HTMLDivElement;
  private dialog: HTMLElement | null = null;
  private banner: HTMLElement | null = null;
  // The overlay is one SVG whose shapes move by their attributes: no style
  // attribute ever changes, so pages with a strict CSP see no inline style.
  private svg: SVGSVGElement;
  private pointer: SVGCircleElement;
  private highlightBox: SVGRectElement;
  private strokes: SVGGElement;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private lastFocus: Element | null = null;
  private dismiss: (() => void) | null = null;

  constructor() {
    this.root = h('div', { class: `${UI_CLASS} settle-cb-root`, 'data-settle-cobrowse': '' });
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('class', 'settle-cb-drawing');
    this.svg.setAttribute('aria-hidden', 'true');
    this.highlightBox = document.createElementNS(SVG, 'rect');
    this.highlightBox.setAttribute('class', 'settle-cb-highlight');
    this.highlightBox.setAttribute('rx', '6');
    this.highlightBox.setAttribute('visibility', 'hidden');
    this.pointer = document.createElementNS(SVG, 'circle');
    this.pointer.setAttribute('class', 'settle-cb-pointer');
    this.pointer.setAttribute('r', '9');
    this.pointer.setAttribute('visibility', 'hidden');
    this.strokes = document.createElementNS(SVG, 'g');
    this.svg.append(this.highlightBox, this.strokes, this.pointer);
    this.root.append(this.svg);
  }

  mount() {
    if (!this.root.isConnected) document.body.append(this.root);
  }

  unmount() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.closeDialog();
    this.hideBanner();
    this.root.remove();
  }

  /** Closes an open question without an answer (the request went away): it resolves with undefined. */
  withdraw() {
    this.dismiss?.();
  }

  /** Asks for consent. Resolves with the granted capabilities, null when declined, undefined when withdrawn. */
  askConsent(requested: Capability[], opts: { title?: string; intro?: string } = {}): Promise<Capability[] | null | undefined> {
    return new Promise((resolve) => {
      const boxes: [Capability, HTMLInputElement][] = [];
      const list = h('ul', { class: 'settle-cb-caps' });
      const order: Capability[] = ['view', 'pointer', 'draw', 'control'];
      for (const c of order.filter((c) => c === 'view' || requested.includes(c))) {
        const id = `settle-cb-cap-${c}`;
        const box = h('input', { type: 'checkbox', id, name: c });
        box.checked = true;
        if (c === 'view') box.disabled = true;
        boxes.push([c, box]);
        list.append(
          h('li', {}, box, h('label', { for: id }, h('strong', {}, CAPABILITY_WORDS[c].label), h('span', {}, CAPABILITY_WORDS[c].detail))),
        );
      }
      const allow = h('button', { type: 'button', class: 'settle-cb-button primary' }, 'Allow');
      const decline = h('button', { type: 'button', class: 'settle-cb-button' }, 'Decline');
      const done = (v: Capability[] | null | undefined) => {
        this.dismiss = null;
        this.closeDialog();
        resolve(v);
      };
      this.dismiss = () => done(undefined);
      allow.addEventListener('click', () => done(boxes.filter(([, b]) => b.checked).map(([c]) => c)));
      decline.addEventListener('click', () => done(null));
      this.openDialog(
        opts.title ?? 'Share your screen with support?',
        [
          h('p', {}, opts.intro ?? 'A support agent asks to see this app to help with your case. They can:'),
          list,
          h('p', { class: 'settle-cb-small' }, 'Card numbers, passwords and your personal details stay hidden. You can stop at any time.'),
        ],
        [decline, allow],
        () => done(null),
      );
    });
  }

  /** Asks whether the agent may control the page. */
  askControl(): Promise<boolean> {
    return new Promise((resolve) => {
      const allow = h('button', { type: 'button', class: 'settle-cb-button primary' }, 'Allow control');
      const deny = h('button', { type: 'button', class: 'settle-cb-button' }, 'Not now');
      const done = (v: boolean) => {
        this.dismiss = null;
        this.closeDialog();
        resolve(v);
      };
      this.dismiss = () => done(false);
      allow.addEventListener('click', () => done(true));
      deny.addEventListener('click', () => done(false));
      this.openDialog(
        'Let the agent click and type for you?',
        [h('p', {}, 'The agent asks to click, scroll and type in this app on your behalf. They can never type into hidden fields such as your card details. You can take control back at any time.')],
        [deny, allow],
        () => done(false),
      );
    });
  }

  private openDialog(title: string, body: Node[], buttons: HTMLElement[], onEscape: () => void) {
    this.closeDialog();
    this.lastFocus = document.activeElement;
    const titleId = 'settle-cb-dialog-title';
    const dialog = h(
      'div',
      { class: 'settle-cb-backdrop' },
      h('div', { class: 'settle-cb-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId }, h('h2', { id: titleId }, title), ...body, h('div', { class: 'settle-cb-actions' }, ...buttons)),
    );
    dialog.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onEscape();
      } else if (e.key === 'Tab') {
        // Keep focus inside the dialog.
        const f = Array.from(dialog.querySelectorAll<HTMLElement>('button, input:not([disabled])'));
        const i = f.indexOf(document.activeElement as HTMLElement);
        if (e.shiftKey && i <= 0) {
          e.preventDefault();
          f[f.length - 1]?.focus();
        } else if (!e.shiftKey && i === f.length - 1) {
          e.preventDefault();
          f[0]?.focus();
        }
      }
    });
    this.dialog = dialog;
    this.root.append(dialog);
    buttons[buttons.length - 1]?.focus();
  }

  closeDialog() {
    if (!this.dialog) return;
    this.dialog.remove();
    this.dialog = null;
    if (this.lastFocus instanceof HTMLElement && this.lastFocus.isConnected) this.lastFocus.focus();
  }

  /** Shows (or updates) the banner while a session is active. */
  showBanner(caps: Capability[], actions: { stop: () => void; revokeControl: () => void }) {
    this.hideBanner();
    const stop = h('button', { type: 'button', class: 'settle-cb-button danger small' }, 'Stop sharing');
    stop.addEventListener('click', actions.stop);
    let revoke: HTMLButtonElement | null = null;
    if (caps.includes('control')) {
      revoke = h('button', { type: 'button', class: 'settle-cb-button small' }, 'Take back control');
      revoke.addEventListener('click', actions.revokeControl);
    }
    const what = caps.includes('control') ? 'is viewing and can control this app' : 'is viewing this app';
    this.banner = h(
      'div',
      { class: 'settle-cb-banner', role: 'status' },
      h('span', { class: 'settle-cb-live', 'aria-hidden': 'true' }),
      h('span', { class: 'settle-cb-banner-text' }, `A support agent ${what}. Personal details are hidden.`),
      revoke,
      stop,
    );
    this.root.append(this.banner);
  }

  hideBanner() {
    this.banner?.remove();
    this.banner = null;
    this.clearOverlay();
  }

  /** A short message that goes away by itself. */
  toast(text: string) {
    const t = h('div', { class: 'settle-cb-toast', role: 'status' }, text);
    this.root.append(t);
    this.later(() => t.remove(), 6000);
  }

  showPointer(x: number, y: number) {
    this.pointer.setAttribute('visibility', 'visible');
    this.pointer.setAttribute('cx', String(x));
    this.pointer.setAttribute('cy', String(y));
  }

  draw(points: { x: number; y: number }[]) {
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.map((p) => `${p.x},${p.y}`).join(' '));
    this.strokes.append(line);
    this.later(() => line.remove(), 5000);
  }

  highlight(el: Element) {
    const r = el.getBoundingClientRect();
    const b = this.highlightBox;
    b.setAttribute('x', String(r.left - 4));
    b.setAttribute('y', String(r.top - 4));
    b.setAttribute('width', String(r.width + 8));
    b.setAttribute('height', String(r.height + 8));
    b.setAttribute('visibility', 'visible');
    this.later(() => b.setAttribute('visibility', 'hidden'), 3000);
  }

  clearOverlay() {
    this.pointer.setAttribute('visibility', 'hidden');
    this.highlightBox.setAttribute('visibility', 'hidden');
    this.strokes.replaceChildren();
  }

  private later(f: () => void, ms: number) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    this.timers.add(t);
  }
}
