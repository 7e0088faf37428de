import { useEffect, useRef, useState } from 'preact/hooks';
import { navigate } from '../shared/router';
import type { Staff } from '../shared/types';
import { errorText, useTitle } from '../shared/ui';
import { api, startSession } from './session';

export function Login({ expired, next }: { expired: boolean; next: string }) {
  useTitle('Sign in', 'Settle agent console');
  const emailRef = useRef<HTMLInputElement>(null);
  useEffect(() => emailRef.current?.focus(), []);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });

  async function submit(e: Event) {
    e.preventDefault();
    setState({ busy: true });
    try {
      const res = await api.post<{ token: string; staff: Staff }>('/v1/staff/login', { email: email.trim(), password });
      if (res.staff.role !== 'agent' && res.staff.role !== 'admin') {
        setState({ busy: false, error: `This console is for agents; ${res.staff.email} is signed up as ${res.staff.role}.` });
        return;
      }
      startSession(res.token, res.staff);
      navigate(next.startsWith('/agent/') && !next.startsWith('/agent/login') ? next : '/agent/queue', { replace: true });
    } catch (err) {
      setState({ busy: false, error: errorText(err) });
    }
  }

  return (
    <main id="main" class="login">
      <form class="card login-card" onSubmit={submit}>
        <h1>Sign in to the agent console</h1>
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
