// The agent's staff session: POST /v1/staff/login returns a token (kept in
// sessionStorage, sent as a bearer token) and sets the session cookie, which
// the queue's event stream and the cobrowse viewer use (EventSource and
// WebSocket cannot send headers).
import { createClient } from '../shared/api';
import { navigate } from '../shared/router';
import type { Staff } from '../shared/types';

// The cobrowse viewer (web/agent/staff.ts) reads the same token key.
const TOKEN = 'settle.agent.token';
const STAFF = 'settle.agent.staff';

export function currentStaff(): Staff | null {
  if (!sessionStorage.getItem(TOKEN)) return null;
  try {
    return JSON.parse(sessionStorage.getItem(STAFF) ?? 'null') as Staff | null;
  } catch {
    return null;
  }
}

export function startSession(token: string, staff: Staff) {
  sessionStorage.setItem(TOKEN, token);
  sessionStorage.setItem(STAFF, JSON.stringify(staff));
}

export function endSession() {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(STAFF);
}

/** Sends the agent back to sign in, returning here afterwards. */
export function sessionExpired() {
  endSession();
  const back = location.pathname + location.search;
  navigate(`/agent/login?expired=1&next=${encodeURIComponent(back)}`, { replace: true });
}

export const api = createClient({
  token: () => sessionStorage.getItem(TOKEN),
  onUnauthorized: () => {
    if (!sessionStorage.getItem(TOKEN)) return; // a failed login, not an expired session
    sessionExpired();
  },
});

export async function signOut() {
  try {
    await api.post('/v1/staff/logout', {});
  } catch {
    // The session is dropped here either way.
  }
  endSession();
  navigate('/agent/login', { replace: true });
}

// The cases this agent claimed in this tab, newest first, so they stay one
// click away once they leave the queue.
const MINE = 'settle.agent.mine';

export interface MyCase {
  handoff_id: string;
  dispute_id: string;
  conversation_id: string;
  label: string;
  claimed_at: string;
}

export function myCases(): MyCase[] {
  try {
    return JSON.parse(sessionStorage.getItem(MINE) ?? '[]') as MyCase[];
  } catch {
    return [];
  }
}

export function rememberCase(c: MyCase) {
  const rest = myCases().filter((x) => x.handoff_id !== c.handoff_id);
  sessionStorage.setItem(MINE, JSON.stringify([c, ...rest].slice(0, 20)));
}

export function forgetCase(handoffId: string) {
  sessionStorage.setItem(MINE, JSON.stringify(myCases().filter((x) => x.handoff_id !== handoffId)));
}
