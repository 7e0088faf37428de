// Building blocks both pages share: loading, empty and error states, a
// data-loading hook, money and status badges.
import type { ComponentChildren, HTMLAttributes } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { formatMoney } from './format';

export interface Resource<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload: () => void;
  /** Replaces the data without a request (after a successful write). */
  set: (data: T) => void;
}

/** Loads data with fn whenever deps change; stale answers are ignored. */
export function useResource<T>(fn: () => Promise<T>, deps: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ data: s.data, loading: true }));
    fn().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (error: Error) => mine === seq.current && setState({ error, loading: false }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const set = useCallback((data: T) => setState({ data, loading: false }), []);
  return { ...state, reload, set };
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function ErrorMessage({ error, onRetry }: { error: Error | string; onRetry?: () => void }) {
  const message = typeof error === 'string' ? error : error.message;
  return (
    <div class="state state-error" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" class="button secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="state state-empty">{children}</div>;
}

/**
 * Renders a resource: a spinner while the first load runs, the error with a
 * retry button, the empty message when isEmpty says so, otherwise children.
 */
export function Async<T>(props: {
  resource: Resource<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ComponentChildren;
  loadingLabel?: string;
  children: (data: T) => ComponentChildren;
}) {
  const { resource: r } = props;
  if (r.error) return <ErrorMessage error={r.error} onRetry={r.reload} />;
  if (r.data === undefined) return <Loading label={props.loadingLabel} />;
  if (props.isEmpty?.(r.data)) return <Empty>{props.empty}</Empty>;
  return <>{props.children(r.data)}</>;
}

export function Money({ amount, currency, ...rest }: { amount: number; currency: string } & HTMLAttributes<HTMLSpanElement>) {
  return (
    <span class="money" {...rest}>
      {formatMoney(amount, currency)}
    </span>
  );
}

export type Tone = 'neutral' | 'good' | 'warn' | 'bad' | 'info' | 'paused';

export function Badge({ tone = 'neutral', children, ...rest }: { tone?: Tone; children: ComponentChildren } & HTMLAttributes<HTMLSpanElement>) {
  return (
    <span class={`badge badge-${tone}`} {...rest}>
      {children}
    </span>
  );
}

/** The message of an error thrown by a form's submit, for an inline alert. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError || e instanceof Error) return e.message;
  return String(e);
}

/** Sets the document title for the current view. */
export function useTitle(title: string, suffix: string) {
  useEffect(() => {
    document.title = title ? `${title} · ${suffix}` : suffix;
  }, [title, suffix]);
}
