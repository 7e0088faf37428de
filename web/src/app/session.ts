// The demo customer's session: a token from POST /v1/demo/token kept in
// sessionStorage (gone when the tab closes), and the API client that sends it.
import { createClient } from '../shared/api';
import { navigate } from '../shared/router';

const TOKEN = 'settle.app.token';
const CUSTOMER = 'settle.app.customer';

export interface Session {
  token: string;
  customerId: string;
  name: string;
}

export function currentSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN);
  const raw = sessionStorage.getItem(CUSTOMER);
  if (!token || !raw) return null;
  try {
    const c = JSON.parse(raw) as { id: string; name: string };
    return { token, customerId: c.id, name: c.name };
  } catch {
    return null;
  }
}

export function startSession(token: string, customerId: string, name: string) {
  sessionStorage.setItem(TOKEN, token);
  sessionStorage.setItem(CUSTOMER, JSON.stringify({ id: customerId, name }));
}

export function endSession() {
  for (const k of Object.keys(sessionStorage)) if (k.startsWith('settle.app.')) sessionStorage.removeItem(k);
}

export const api = createClient({
  token: () => sessionStorage.getItem(TOKEN),
  onUnauthorized: () => {
    endSession();
    navigate('/app/?expired=1', { replace: true });
  },
});

const CHANGED = 'settle:data-changed';

/** Tells the open page that disputes or plans changed elsewhere (the chat opened a dispute). */
export function dataChanged() {
  dispatchEvent(new Event(CHANGED));
}

/** Calls reload when dataChanged is announced. */
export function onDataChanged(reload: () => void): () => void {
  addEventListener(CHANGED, reload);
  return () => removeEventListener(CHANGED, reload);
}
