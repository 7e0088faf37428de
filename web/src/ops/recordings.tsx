// Screen-share recordings: every cobrowse session with its stored (redacted)
// events, whether their hash chain verifies, and a replay.
import { useState } from 'preact/hooks';
import { RecordingPlayer } from '../../agent/viewer';
import { query } from '../shared/api';
import { formatDateTime, humanize } from '../shared/format';
import { Link, navigate, useFocusHeading } from '../shared/router';
import { Async, Badge, type Resource, useResource, useTitle } from '../shared/ui';
import { api } from './session';

export interface RecordingSummary {
  session_id: string;
  dispute_id?: string;
  agent_id: string;
  customer_id: string;
  status: string;
  created_at: string;
  ended_at: string | null;
  chunks: number;
  events: number;
  verified: boolean;
  purged_at?: string;
}

interface Recording {
  session: {
    session_id: string;
    status: string;
    origin: string;
    dispute_id?: string;
    customer_id: string;
    agent_id: string;
    capabilities: string[] | null;
    policy_version: string;
    created_at: string;
    consented_at: string | null;
    ended_at: string | null;
    end_reason?: string;
    ended_by?: string;
  };
  verified: boolean;
  broken_at: number | null;
  problem?: string;
  chunks: number;
  events: unknown[] | null;
}

export function ChainBadge({ verified, brokenAt, problem }: { verified: boolean; brokenAt?: number | null; problem?: string }) {
  return verified ? (
    <Badge tone="good">✓ Hash chain verifies</Badge>
  ) : (
    <Badge tone="bad" title={problem}>
      ✗ Hash chain broken{brokenAt != null ? ` at chunk ${brokenAt}` : ''}
    </Badge>
  );
}

export function Recordings({ q }: { q: URLSearchParams }) {
  useTitle('Recordings', 'Settle ops');
  useFocusHeading('recordings');
  const dispute = q.get('dispute_id') ?? '';
  const qs = query({ dispute_id: dispute, limit: '100' });
  const list = useResource(() => api.get<{ recordings: RecordingSummary[] }>(`/v1/ops/recordings${qs}`).then((d) => d.recordings), [qs]);
  const [text, setText] = useState(dispute);
  return (
    <main id="main">
      <div class="page-head">
        <h1>Screen-share recordings</h1>
        <p>What agents saw, as stored: redacted by the server before it was kept, each chunk chained to the one before.</p>
      </div>
      <form
        class="card filters row"
        aria-label="Filter recordings"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/ops/recordings${query({ dispute_id: text.trim() })}`);
        }}
      >
        <div class="field inline">
          <label for="r-dispute">Dispute</label>
          <input id="r-dispute" type="search" placeholder="dsp_…" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="button">
          Filter
        </button>
        {dispute && (
          <button
            type="button"
            class="button secondary"
            onClick={() => {
              setText('');
              navigate('/ops/recordings');
            }}
          >
            Clear
          </button>
        )}
      </form>
      <RecordingTable resource={list} empty={dispute ? 'No screen shares for this dispute.' : 'No screen shares have been recorded yet.'} />
    </main>
  );
}

export function RecordingTable({ resource, empty, bare }: { resource: Resource<RecordingSummary[]>; empty: string; bare?: boolean }) {
  return (
    <Async resource={resource} loadingLabel="Loading recordings…" isEmpty={(d) => d.length === 0} empty={<p>{empty}</p>}>
      {(rows) => (
        <div class={bare ? 'table-wrap' : 'table-wrap card flush'}>
          <table class="recordings">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Session</th>
                <th scope="col">Dispute</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Events
                </th>
                <th scope="col">Integrity</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.session_id}>
                  <td class="nowrap">{formatDateTime(r.created_at)}</td>
                  <td>
                    <Link href={`/ops/recordings/${r.session_id}`} class="mono">
                      {r.session_id}
                    </Link>
                    <div class="small muted">
                      agent <span class="mono">{r.agent_id || '—'}</span> · customer <span class="mono">{r.customer_id}</span>
                    </div>
                  </td>
                  <td>
                    {r.dispute_id ? (
                      <Link href={`/ops/disputes/${r.dispute_id}`} class="mono">
                        {r.dispute_id}
                      </Link>
                    ) : (
                      <span class="muted">By code</span>
                    )}
                  </td>
                  <td>
                    {humanize(r.status)}
                    {r.ended_at && <div class="small muted">ended {formatDateTime(r.ended_at)}</div>}
                  </td>
                  <td class="num">
                    {r.events}
                    <div class="small muted">
                      {r.chunks} chunk{r.chunks === 1 ? '' : 's'}
                    </div>
                  </td>
                  <td>{r.purged_at ? <Badge tone="neutral">Purged {formatDateTime(r.purged_at)}</Badge> : <ChainBadge verified={r.verified} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Async>
  );
}

export function RecordingPage({ id }: { id: string }) {
  useTitle(`Recording ${id}`, 'Settle ops');
  useFocusHeading(`recording-${id}`);
  const rec = useResource(() => api.get<Recording>(`/v1/ops/recordings/${encodeURIComponent(id)}`), [id]);
  return (
    <main id="main">
      <Link class="back" href="/ops/recordings">
        ← Recordings
      </Link>
      <div class="page-head">
        <h1>
          Recording <span class="mono">{id}</span>
        </h1>
        {rec.data && <ChainBadge verified={rec.data.verified} brokenAt={rec.data.broken_at} problem={rec.data.problem} />}
      </div>
      <Async resource={rec} loadingLabel="Loading the recording…">
        {(r) => (
          <>
            {!r.verified && (
              <p class="alert alert-error" role="alert">
                This recording does not verify{r.problem ? `: ${r.problem}` : ''}. It may have been altered after it was stored.
              </p>
            )}
            <section class="card" aria-labelledby="session-h">
              <h2 id="session-h">Session</h2>
              <dl class="facts">
                <dt>Status</dt>
                <dd>
                  {humanize(r.session.status)}
                  {r.session.end_reason && <span class="muted"> · {humanize(r.session.end_reason)}</span>}
                </dd>
                <dt>Dispute</dt>
                <dd>
                  {r.session.dispute_id ? (
                    <Link href={`/ops/disputes/${r.session.dispute_id}`} class="mono">
                      {r.session.dispute_id}
                    </Link>
                  ) : (
                    <span class="muted">Started with a code</span>
                  )}
                </dd>
                <dt>Agent · customer</dt>
                <dd class="mono">
                  {r.session.agent_id || '—'} · {r.session.customer_id}
                </dd>
                <dt>Consent</dt>
                <dd>
                  {r.session.consented_at
                    ? `${formatDateTime(r.session.consented_at)}${r.session.capabilities?.length ? ` · ${r.session.capabilities.join(', ')}` : ''}`
                    : 'Never given'}
                </dd>
                <dt>Started · ended</dt>
                <dd>
                  {formatDateTime(r.session.created_at)} · {formatDateTime(r.session.ended_at)}
                </dd>
                <dt>Stored</dt>
                <dd>
                  {(r.events ?? []).length} events in {r.chunks} chunk{r.chunks === 1 ? '' : 's'} · redaction policy {r.session.policy_version || '—'}
                </dd>
              </dl>
            </section>
            <section class="card" aria-labelledby="replay-h">
              <h2 id="replay-h">Replay</h2>
              {(r.events ?? []).length === 0 ? <p class="state state-empty">Nothing was recorded in this session.</p> : <RecordingPlayer events={r.events ?? []} />}
            </section>
          </>
        )}
      </Async>
    </main>
  );
}
