// Cobrowse in the demo app, the way an integrator adds Settle's SDK
// (web/sdk): one SettleCobrowse per signed-in customer, listening for
// agents' requests (the SDK shows its own consent dialog and banner), and a
// "Share my screen" button for phone support that shows the 6-digit code to
// read out.
import { useEffect, useState } from 'preact/hooks';
import { SettleCobrowse, type CobrowseState } from '../../sdk/index';
import '../../sdk/sdk.css';
import { currentSession } from './session';

let instance: { customerId: string; sdk: SettleCobrowse } | null = null;

/** The SDK for the signed-in customer, created on first use. */
function cobrowseFor(customerId: string): SettleCobrowse {
  if (instance?.customerId !== customerId) {
    instance?.sdk.dispose();
    const sdk = new SettleCobrowse({ token: () => currentSession()?.token ?? null });
    instance = { customerId, sdk };
    sdk.start();
  }
  return instance.sdk;
}

/** Stops the SDK (on sign-out). */
export function stopCobrowse() {
  instance?.sdk.dispose();
  instance = null;
}

/** The chat socket announces an agent's request: look now instead of at the next poll. */
export function cobrowseRequested() {
  instance?.sdk.checkNow();
}

export function ShareScreen({ customerId }: { customerId: string }) {
  const sdk = cobrowseFor(customerId);
  const [st, setSt] = useState<CobrowseState>(sdk.current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => sdk.subscribe(setSt), [sdk]);

  const share = async () => {
    setBusy(true);
    setError('');
    try {
      await sdk.shareCode();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const live = st.phase === 'active' || st.phase === 'connecting' || st.phase === 'asking';
  return (
    <>
      <button type="button" class="button secondary small share-button" disabled={busy || live} onClick={() => void share()} data-settle-unredact>
        {live ? 'Sharing screen' : 'Share my screen'}
      </button>
      {(st.phase === 'code' || error) && (
        <section class="share-code card" role="dialog" aria-labelledby="share-code-title" aria-live="polite">
          <h2 id="share-code-title" data-settle-unredact>
            Share your screen
          </h2>
          {error ? (
            <p class="alert alert-error">{error}</p>
          ) : (
            st.code && (
              <>
                <p data-settle-unredact>Read this code to the person helping you on the phone:</p>
                <p class="share-code-digits mono" aria-label={`Code ${st.code.code.split('').join(' ')}`}>
                  {st.code.code.slice(0, 3)} {st.code.code.slice(3)}
                </p>
                <p class="muted small" data-settle-unredact>
                  It works once, until {new Date(st.code.expires_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}. You will be asked before anything is shared.
                </p>
              </>
            )
          )}
          <button
            type="button"
            class="button secondary small"
            onClick={() => {
              sdk.cancelCode();
              setError('');
            }}
            data-settle-unredact
          >
            Close
          </button>
        </section>
      )}
    </>
  );
}
