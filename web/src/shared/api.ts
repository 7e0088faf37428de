// A small fetch wrapper for Settle's JSON API. Every failure becomes an
// ApiError whose message is fit to show a person: the server's
// {error:{message}} when there is one, otherwise a plain sentence.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export interface Client {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown, opts?: { idempotencyKey?: string }): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
}

export interface ClientOptions {
  /** Returns the bearer token to send, or null. */
  token: () => string | null;
  /** Called on a 401 so the page can send the person back to sign in. */
  onUnauthorized?: () => void;
}

export function createClient(opts: ClientOptions): Client {
  async function request<T>(method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extra };
    const token = opts.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError(0, 'network', 'Could not reach the server. Check your connection and try again.');
    }
    const text = await res.text();
    let data: unknown = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!res.ok) {
      if (res.status === 401) opts.onUnauthorized?.();
      const err = (data as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
      throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? statusMessage(res.status), err?.field);
    }
    return data as T;
  }
  return {
    get: (path) => request('GET', path),
    post: (path, body, o) => request('POST', path, body ?? {}, o?.idempotencyKey ? { 'Idempotency-Key': o.idempotencyKey } : undefined),
    put: (path, body) => request('PUT', path, body ?? {}),
  };
}

function statusMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Your session has ended. Please sign in again.';
    case 403:
      return 'You are not allowed to see this.';
    case 404:
      return 'Not found.';
    case 429:
      return 'Too many requests. Wait a moment and try again.';
    default:
      return status >= 500 ? 'Something went wrong on our side. Try again in a moment.' : `The request failed (HTTP ${status}).`;
  }
}

/** A fresh Idempotency-Key for one user action. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Builds a query string from the non-empty values. */
export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
