// A minimal client-side router over the History API. Each page (app, ops)
// lives under its own base path; the Go handler answers every client route
// with the page's index.html, so deep links and reloads work.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type Listener = () => void;
const listeners = new Set<Listener>();

function notify() {
  for (const l of listeners) l();
}

addEventListener('popstate', notify);

/** Goes to url (absolute path, with query) and re-renders the routed views. */
export function navigate(url: string, opts: { replace?: boolean } = {}) {
  if (url === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  scrollTo(0, 0);
  notify();
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

/** The current location; re-renders the caller when it changes. */
export function useLocation(): Location {
  const [, set] = useState(0);
  const rendered = location.pathname + location.search;
  useEffect(() => {
    const l = () => set((n) => n + 1);
    listeners.add(l);
    // A navigation may have happened between render and this effect (a
    // redirect made while the first render was still mounting).
    if (location.pathname + location.search !== rendered) l();
    return () => {
      listeners.delete(l);
    };
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/**
 * Matches path against a pattern such as "/app/purchases/:id"; returns the
 * parameters, or null. A trailing slash is ignored.
 */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.replace(/\/$/, '').split('/');
  const s = path.replace(/\/$/, '').split('/');
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      if (!s[i]) return null;
      params[p[i].slice(1)] = decodeURIComponent(s[i]);
    } else if (p[i] !== s[i]) return null;
  }
  return params;
}

interface LinkProps {
  href: string;
  class?: string;
  children?: ComponentChildren;
  onClick?: (e: MouseEvent) => void;
  /** A section link (main navigation) is current on any page below it too. */
  section?: boolean;
  'data-settle-unredact'?: boolean;
}

/** An ordinary link that navigates without a reload (modifier clicks still open tabs). */
export function Link({ href, onClick, section, ...rest }: LinkProps) {
  const target = href.split('?')[0];
  const current = section ? location.pathname === target || location.pathname.startsWith(`${target}/`) : location.pathname === target;
  return (
    <a
      href={href}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
      {...rest}
    />
  );
}

/**
 * Moves keyboard and screen-reader focus to the page's main heading after a
 * navigation, as a full page load would.
 */
export function useFocusHeading(key: string) {
  useEffect(() => {
    const h = document.querySelector<HTMLElement>('main h1');
    if (h && document.activeElement !== h) {
      h.tabIndex = -1;
      h.focus({ preventScroll: true });
    }
  }, [key]);
}
