// The viewer alone on a page (bundled by the cobrowse browser test), for
// testing it apart from the agent and ops consoles: ?session= for the live
// viewer, ?recording= for the player (fetched as ops would).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { CobrowseViewer, RecordingPlayer } from '../../agent/viewer';
import { staffApi } from '../../agent/staff';
import '../../src/shared/base.css';

const q = new URLSearchParams(location.search);

function Recording({ id }: { id: string }) {
  const [events, setEvents] = useState<unknown[] | null>(null);
  useEffect(() => {
    void staffApi<{ events: unknown[] }>('GET', `/v1/ops/recordings/${encodeURIComponent(id)}`).then((r) => setEvents(r.events));
  }, [id]);
  return events ? <RecordingPlayer events={events} /> : <p>Loading…</p>;
}

render(
  <main style={{ padding: '16px', maxWidth: '1100px' }}>
    <h1>Cobrowse viewer</h1>
    {q.get('recording') ? (
      <Recording id={q.get('recording')!} />
    ) : (
      <CobrowseViewer sessionId={q.get('session') ?? ''} onEnded={(r) => (document.documentElement.dataset.ended = r)} />
    )}
  </main>,
  document.getElementById('root')!,
);
