// The agent console's screen-share panel for a case: start a session for
// the dispute (the customer is asked in their app), or join one with the
// 6-digit code a customer reads out on the phone; then the live viewer.
// The session id is kept for the tab so a reload goes back to it.
import { useState } from 'preact/hooks';
import { CobrowseViewer, endWords } from '../../agent/viewer';
import { StaffApiError, staffApi } from '../../agent/staff';

interface Session {
  session_id: string;
  status: string;
  customer_id?: string;
}

const START_ERRORS: Record<string, string> = {
  not_claimed: 'Claim the case first: only the agent who owns it can start a screen share.',
  claimed_by_other: 'Another agent owns this case.',
  not_escalated: 'This dispute is not with an agent.',
  dispute_closed: 'This dispute is closed.',
  session_exists: 'This customer already has a screen share open. Ask them to stop it, or wait for it to end.',
  wrong_code: 'That code is wrong, used or expired. Ask the customer for a new one.',
  too_many_wrong_codes: 'Too many wrong codes. Wait a minute, then try again.',
};

function key(disputeId: string) {
  return `settle.agent.cobrowse.${disputeId}`;
}

export function CobrowsePanel(props: { disputeId: string; customerId: string }) {
  const { disputeId, customerId } = props;
  const [sessionId, setSessionId] = useState<string | null>(() => sessionStorage.getItem(key(disputeId)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [ended, setEnded] = useState('');
  const [code, setCode] = useState('');
  const [over, setOver] = useState(false); // the open viewer's session has ended

  const open = (s: Session) => {
    sessionStorage.setItem(key(disputeId), s.session_id);
    setSessionId(s.session_id);
    setEnded('');
    setOver(false);
  };
  const create = async (body: Record<string, string>) => {
    setBusy(true);
    setError('');
    try {
      const s = await staffApi<Session>('POST', '/v1/cobrowse/sessions', body);
      if (body.code && s.customer_id && s.customer_id !== customerId) {
        setError(`Heads up: that code belongs to customer ${s.customer_id}, not this case's customer.`);
      }
      open(s);
      setCode('');
    } catch (e) {
      const err = e as StaffApiError;
      setError(START_ERRORS[err.code] ?? err.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card cobrowse-panel" aria-labelledby="cobrowse-title">
      <div class="spread">
        <h2 id="cobrowse-title">Screen share</h2>
        {sessionId && over && (
          <button
            type="button"
            class="link-button small"
            onClick={() => {
              sessionStorage.removeItem(key(disputeId));
              setSessionId(null);
            }}
          >
            New screen share
          </button>
        )}
      </div>
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {sessionId ? (
        <CobrowseViewer
          key={sessionId}
          sessionId={sessionId}
          onEnded={(reason) => {
            setEnded(endWords(reason));
            setOver(true);
          }}
        />
      ) : (
        <div class="stack">
          {ended && <p class="alert alert-info">{ended}</p>}
          <p class="muted small">
            See the customer's app with their consent. Card numbers and personal details are redacted before they reach you.
          </p>
          <div class="row">
            <button type="button" class="button" disabled={busy} onClick={() => void create({ dispute_id: disputeId })}>
              Start screen share
            </button>
          </div>
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (/^\d{6}$/.test(code)) void create({ code });
              else setError('The code is 6 digits.');
            }}
          >
            <label for={`cobrowse-code-${disputeId}`}>Join with code</label>
            <input
              id={`cobrowse-code-${disputeId}`}
              class="cobrowse-code"
              inputMode="numeric"
              autocomplete="off"
              pattern="[0-9]{6}"
              maxLength={6}
              placeholder="6 digits"
              value={code}
              onInput={(e) => setCode((e.target as HTMLInputElement).value.replace(/\D/g, '').slice(0, 6))}
            />
            <button type="submit" class="button secondary" disabled={busy || code.length !== 6}>
              Join
            </button>
          </form>
        </div>
      )}
    </section>
  );
}
