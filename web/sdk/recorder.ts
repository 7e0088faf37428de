// Recording the page with rrweb, private by default: all text and every
// input masked through the Privacy rules, text-bearing attributes scrubbed,
// canvas and fonts never recorded, the SDK's own UI blocked.
import { record } from '@rrweb/record';
import { Privacy, UI_CLASS, scrubAttribute } from './privacy';

/** An rrweb event as it goes over the wire. */
export type RRWebEvent = { type: number; data: unknown; timestamp: number };

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;

interface SerializedNode {
  id: number;
  type: number;
  attributes?: Record<string, string | number | boolean | null>;
  childNodes?: SerializedNode[];
}

export class Recorder {
  private stopFn: (() => void) | undefined;
  private privacy: Privacy;

  constructor(
    privacy: Privacy,
    private readonly emit: (e: RRWebEvent, urgent: boolean) => void,
  ) {
    this.privacy = privacy;
  }

  get running(): boolean {
    return this.stopFn !== undefined;
  }

  /** Starts recording (a Meta and a full snapshot are emitted first). */
  start() {
    if (this.stopFn) return;
    const p = this.privacy;
    this.stopFn = record({
      emit: (e) => {
        const ev = e as unknown as RRWebEvent;
        this.scrub(ev);
        this.emit(ev, ev.type === FULL_SNAPSHOT);
      },
      // Our own UI (consent dialog, banner, pointer and drawings) is never recorded.
      blockClass: UI_CLASS,
      blockSelector: `.${UI_CLASS}`,
      // Every input value and every text is masked unless the element may be shown.
      maskAllInputs: true,
      maskInputFn: (text, el) => p.text(text, el),
      maskTextSelector: '*',
      maskTextFn: (text, el) => p.text(text, el),
      recordCanvas: false,
      collectFonts: false,
      inlineImages: false,
      inlineStylesheet: true,
      recordCrossOriginIframes: false,
      slimDOMOptions: { script: true, comment: true, headFavicon: true, headWhitespace: true, headMetaSocial: true, headMetaRobots: true, headMetaHttpEquiv: true, headMetaVerification: true, headMetaAuthorship: true },
      sampling: { mousemove: 50, scroll: 100 },
    });
  }

  stop() {
    this.stopFn?.();
    this.stopFn = undefined;
  }

  /** Applies a new policy: recording restarts so a new full snapshot reflects it. */
  setPrivacy(privacy: Privacy) {
    this.privacy = privacy;
    if (this.stopFn) {
      this.stop();
      this.start();
    }
  }

  takeFullSnapshot() {
    if (this.stopFn) record.takeFullSnapshot(true);
  }

  /** The page element behind an rrweb node id, if it is still there. */
  node(id: number): Node | null {
    return record.mirror.getNode(id);
  }

  /** Masks text-bearing attributes of elements the agent may not see. */
  private scrub(ev: RRWebEvent) {
    const d = ev.data as Record<string, unknown>;
    if (ev.type === FULL_SNAPSHOT) {
      this.scrubTree(d.node as SerializedNode);
    } else if (ev.type === INCREMENTAL && d.source === MUTATION) {
      for (const a of (d.adds as { node: SerializedNode }[] | undefined) ?? []) this.scrubTree(a.node);
      for (const a of (d.attributes as { id: number; attributes: Record<string, unknown> }[] | undefined) ?? []) {
        const el = this.element(a.id);
        const visible = this.privacy.isVisible(el);
        for (const [k, v] of Object.entries(a.attributes)) {
          if (k === 'style' && v && typeof v === 'object') continue; // a style diff: CSS, checked by the gate
          a.attributes[k] = scrubAttribute(k, v as string, visible, el);
        }
      }
    }
  }

  private scrubTree(n: SerializedNode | undefined) {
    if (!n) return;
    if (n.attributes) {
      const el = this.element(n.id);
      const visible = this.privacy.isVisible(el);
      for (const [k, v] of Object.entries(n.attributes)) {
        const s = scrubAttribute(k, v, visible, el);
        if (s === null) delete n.attributes[k];
        else n.attributes[k] = s as string | number | boolean;
      }
    }
    for (const c of n.childNodes ?? []) this.scrubTree(c);
  }

  private element(id: number): Element | null {
    const n = record.mirror.getNode(id);
    return n instanceof Element ? n : null;
  }
}
