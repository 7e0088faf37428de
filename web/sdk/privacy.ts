// What the agent may see, decided on the customer's device before anything
// leaves it. Everything is masked except elements marked
// data-settle-unredact or matching the policy's unredact selectors (and
// their descendants); secret elements are masked even inside those. The
// server's gate applies the same policy again: this is the first of two
// locks, not the only one.

/** Secrets no policy can unmask: passwords, card and one-time-code fields, hidden inputs, data-settle-secret. */
export const BUILTIN_SECRET = [
  '[data-settle-secret]',
  '[data-rr-is-password]',
  'input[type="password" i]',
  'input[type="hidden" i]',
  '[autocomplete*="cc-" i]',
  '[autocomplete~="one-time-code" i]',
  '[autocomplete~="current-password" i]',
  '[autocomplete~="new-password" i]',
].join(', ');

export const BUILTIN_UNREDACT = '[data-settle-unredact]';

/** The class on the SDK's own UI: blocked from the recording. */
export const UI_CLASS = 'settle-cobrowse-ui';

export interface PolicySelectors {
  unredact_selectors: string[];
  secret_selectors: string[];
}

/** Privacy answers "may the agent see this element's text?" for one policy. */
export class Privacy {
  private readonly unredact: string;
  private readonly secret: string;

  constructor(policy: PolicySelectors = { unredact_selectors: [], secret_selectors: [] }) {
    this.unredact = joinValid([BUILTIN_UNREDACT, ...policy.unredact_selectors]);
    this.secret = joinValid([BUILTIN_SECRET, ...policy.secret_selectors]);
  }

  /** True when el (or an ancestor) is secret. */
  isSecret(el: Element | null): boolean {
    return !!el && closest(el, this.secret);
  }

  /** True when el's text, values and text-bearing attributes may be shown. */
  isVisible(el: Element | null): boolean {
    if (!el) return false;
    return closest(el, this.unredact) && !closest(el, this.secret);
  }

  /** Masks text unless el may be shown. */
  text(text: string, el: Element | null): string {
    return this.isVisible(el) ? text : mask(text);
  }
}

/** Replaces every non-space character with '*', keeping the shape of the text. */
export function mask(s: string): string {
  return s.replace(/\S/g, '*');
}

function closest(el: Element, selector: string): boolean {
  try {
    return el.closest(selector) !== null;
  } catch {
    return true; // an unusable selector: fail towards masking for secrets, see joinValid
  }
}

/** Joins the selectors the browser accepts; the server validates them too, so a bad one is skipped, not fatal. */
function joinValid(selectors: string[]): string {
  const ok: string[] = [];
  for (const s of selectors) {
    if (!s || !s.trim()) continue;
    try {
      document.createDocumentFragment().querySelector(s);
      ok.push(s);
    } catch {
      console.warn('settle cobrowse: skipping a selector the browser does not accept:', s);
    }
  }
  return ok.join(', ');
}

// Attributes that carry words a person reads or data an app stores. rrweb
// copies every attribute verbatim; these are masked on elements the agent
// may not see (the gate does the same on the server).
const TEXT_ATTRS = new Set([
  'value', 'title', 'alt', 'placeholder', 'label', 'content', 'summary', 'abbr', 'download',
]);

/** Whether attribute name on a hidden element must be masked. */
export function isTextAttribute(name: string): boolean {
  const n = name.toLowerCase();
  if (TEXT_ATTRS.has(n)) return true;
  if (n.startsWith('aria-')) return !['aria-hidden', 'aria-expanded', 'aria-selected', 'aria-checked', 'aria-disabled', 'aria-current', 'aria-live', 'aria-modal', 'aria-haspopup', 'aria-pressed', 'aria-busy', 'aria-controls', 'aria-labelledby', 'aria-describedby'].includes(n);
  if (n.startsWith('data-')) return !(n.startsWith('data-settle-') || n.startsWith('data-rr-'));
  return false;
}

// <meta name=…> whose content is how the page renders, never personal.
const LAYOUT_META = new Set(['viewport', 'color-scheme', 'theme-color', 'referrer', 'robots', 'format-detection']);

/** Scrubs one attribute value for an element the agent may not see; null drops it. */
export function scrubAttribute(name: string, value: string | null | undefined | number | boolean, visible: boolean, el?: Element | null): typeof value {
  if (typeof value !== 'string') return value;
  const n = name.toLowerCase();
  if (n === 'content' && el?.tagName === 'META' && LAYOUT_META.has((el.getAttribute('name') ?? '').toLowerCase())) return value;
  if (n === 'srcdoc') return null; // a whole document in an attribute: never sent
  if (n === 'href' && /^\s*(mailto|tel|sms):/i.test(value)) return visible ? value : value.replace(/:.*/s, ':') + mask(value.replace(/^[^:]*:/, ''));
  if (visible || !isTextAttribute(n)) return value;
  return mask(value);
}
