// The viewer alone on a page (bundled by the cobrowse browser test), for
// testing it apart from the agent console.
import { render } from 'preact';
import { CobrowseViewer } from '../../agent/viewer';
import '../../src/shared/base.css';

const id = new URLSearchParams(location.search).get('session') ?? '';
render(
  <main style={{ padding: '16px', maxWidth: '1100px' }}>
    <h1>Cobrowse viewer</h1>
    <CobrowseViewer sessionId={id} onEnded={(r) => (document.documentElement.dataset.ended = r)} />
  </main>,
  document.getElementById('root')!,
);
