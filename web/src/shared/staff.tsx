// A staff console's session and sign-in page, shared by the agent and ops
// consoles. POST /v1/staff/login returns a token (kept in sessionStorage, sent
// as a bearer token) and sets the session cookie, which event streams and
// WebSockets use (they cannot send headers). Each console keeps its own keys
// (settle.<console>.token), so signing in to one does not sign in to the other;
// the cobrowse viewer (web/agent/staff.ts) reads these keys.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Client, createClient } from './api';
import { navigate } from './router';
import type { Staff } from './types';
import { errorText, useTitle } from './ui';

export interface StaffSession {
  api: Client;
  currentStaff(): Staff | null;
  startSession(token: string, staff: Staff): void;
  endSession(): void;
  /** Sends the user back to sign in, returning here afterwards. */
  sessionExpired(): void;
  signOut(): Promise<void>;
}

/** The session of the console served under /<name>/. */
export function staffSession(name: 'agent' | 'ops'): StaffSession {
  const TOKEN = `settle.${name}.token`;
  const STAFF = `settle.${name}.staff`;
  const endSession = () => {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(STAFF);
  };
  const sessionExpired = () => {
    endSession();
    const back = location.pathname + location.search;
    navigate(`/${name}/login?expired=1&next=${encodeURIComponent(back)}`, { replace: true });
  };
  const api = createClient({
    token: () => sessionStorage.getItem(TOKEN),
    onUnauthorized: () => {
      if (!sessionStorage.getItem(TOKEN)) return; // a failed login, not an expired session
      sessionExpired();
    },
  });
  return {
    api,
    currentStaff() {
      if (!sessionStorage.getItem(TOKEN)) return null;
      try {
        return JSON.parse(sessionStorage.getItem(STAFF) ?? 'null') as Staff | null;
      } catch {
        return null;
      }
    },
    startSession(token, staff) {
      sessionStorage.setItem(TOKEN, token);
      sessionStorage.setItem(STAFF, JSON.stringify(staff));
    },
    endSession,
    sessionExpired,
    async signOut() {
      try {
        await api.post('/v1/staff/logout', {});
      } catch {
        // The session is dropped here either way.
      }
      endSession();
      navigate(`/${name}/login`, { replace: true });
    },
  };
}

export interface LoginProps {
  session: StaffSession;
  base: '/agent/' | '/ops/';
  home: string; // where to go after signing in without a ?next=
  title: string; // "Settle agent console"
  heading: string; // "Sign in to the agent console"
  roles: string[];
  who: string; // "agents": "This console is for agents; …"
  expired: boolean;
  next: string;
}

export function StaffLogin({ session, base, home, title, heading, roles, who, expired, next }: LoginProps) {
  useTitle('Sign in', title);
  const emailRef = useRef<HTMLInputElement>(null);
  useEffect(() => emailRef.current?.focus(), []);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });

  async function submit(e: Event) {
    e.preventDefault();
    setState({ busy: true });
    try {
      const res = await session.api.post<{ token: string; staff: Staff }>('/v1/staff/login', { email: email.trim(), password });
      if (!roles.includes(res.staff.role)) {
        setState({ busy: false, error: `This console is for ${who}; ${res.staff.email} is signed up as ${res.staff.role}.` });
        return;
      }
      session.startSession(res.token, res.staff);
      navigate(next.startsWith(base) && !next.startsWith(`${base}login`) ? next : home, { replace: true });
    } catch (err) {
      setState({ busy: false, error: errorText(err) });
    }
  }

  return (
    <main id="main" class="login">
      <form class="card login-card" onSubmit={submit}>
        <h1>{heading}</h1>
        {expired && !state.error && <p class="alert alert-info">Your session ended. Sign in again.</p>}
        {state.error && (
          <p class="alert alert-error" role="alert">
            {state.error}
          </p>
        )}
        <div class="field">
          <label for="email">Email</label>
          <input id="email" ref={emailRef} type="email" autocomplete="username" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            id="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit" class="button" disabled={state.busy}>
          {state.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
