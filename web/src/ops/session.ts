// The staff session: POST /v1/staff/login returns a token (and sets a
// cookie); the token is kept in sessionStorage and sent as a bearer token.
import { createClient } from '../shared/api';
import { navigate } from '../shared/router';
import type { Staff } from '../shared/types';

const TOKEN = 'settle.ops.token';
const STAFF = 'settle.ops.staff';

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

export const api = createClient({
  token: () => sessionStorage.getItem(TOKEN),
  onUnauthorized: () => {
    if (!sessionStorage.getItem(TOKEN)) return; // a failed login, not an expired session
    endSession();
    const back = location.pathname + location.search;
    navigate(`/ops/login?expired=1&next=${encodeURIComponent(back)}`, { replace: true });
  },
});

export async function signOut() {
  try {
    await api.post('/v1/staff/logout', {});
  } catch {
    // The session is dropped here either way.
  }
  endSession();
  navigate('/ops/login', { replace: true });
}
