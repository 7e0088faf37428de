// Staff API calls for the cobrowse viewer. The agent console signs in with
// POST /v1/staff/login, which sets the session cookie; a bearer token kept
// by the console (sessionStorage) is sent too when there is one.

const TOKEN_KEYS = ['settle.agent.token', 'settle.ops.token'];

function bearer(): string | null {
  for (const k of TOKEN_KEYS) {
    const t = sessionStorage.getItem(k);
    if (t) return t;
  }
  return null;
}

export class StaffApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function staffApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const t = bearer();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new StaffApiError(0, 'network', 'Could not reach the server. Check your connection and try again.');
  }
  const text = await res.text();
  let data: { error?: { code?: string; message?: string } } | null = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new StaffApiError(res.status, data?.error?.code ?? `http_${res.status}`, data?.error?.message ?? `The request failed (HTTP ${res.status}).`);
  return data as T;
}

/** Opens the session's socket as its agent, with a single-use ticket. */
export async function openAgentSocket(sessionId: string): Promise<WebSocket> {
  const { ticket } = await staffApi<{ ticket: string }>('POST', '/v1/ws-tickets', {});
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new WebSocket(`${proto}//${location.host}/v1/cobrowse/sessions/${encodeURIComponent(sessionId)}/ws?role=agent&ticket=${encodeURIComponent(ticket)}`);
}
