// One dispute for ops: its state, decisions and reviews, its screen-share
// recordings, and the hash-chained audit log with whether the chain verifies.
import { formatDateTime, formatMoney, humanize } from '../shared/format';
import { Link, useFocusHeading } from '../shared/router';
import type { AuditLog, DisputeView } from '../shared/types';
import { Async, Badge, useResource, useTitle } from '../shared/ui';
import { citationHref } from './outcomes';
import { type RecordingSummary, RecordingTable } from './recordings';
import { api } from './session';

interface OpsDispute extends DisputeView {
  decisions: Record<string, unknown>[];
  handoff: { id: string; status: string; reason_category?: string } | null;
}

function hex(h: unknown): string {
  if (typeof h !== 'string' || !h) return '—';
  // The API writes hashes as base64 (Go []byte); show the first bytes in hex.
  try {
    const bin = atob(h);
    return Array.from(bin.slice(0, 8), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  } catch {
    return h.slice(0, 16);
  }
}

export function DisputeAudit({ id }: { id: string }) {
  useTitle(`Dispute ${id}`, 'Settle ops');
  useFocusHeading(`dispute-${id}`);
  const d = useResource(() => api.get<OpsDispute>(`/v1/ops/disputes/${encodeURIComponent(id)}`), [id]);
  const log = useResource(() => api.get<AuditLog>(`/v1/ops/disputes/${encodeURIComponent(id)}/audit`), [id]);
  const recs = useResource(
    () => api.get<{ recordings: RecordingSummary[] }>(`/v1/ops/recordings?dispute_id=${encodeURIComponent(id)}`).then((d) => d.recordings),
    [id],
  );
  return (
    <main id="main">
      <Link class="back" href="/ops/outcomes">
        ← Outcomes
      </Link>
      <div class="page-head">
        <h1>
          Dispute <span class="mono">{id}</span>
        </h1>
      </div>
      <div class="grid grid-2 top">
        <section class="card" aria-labelledby="case-h">
          <h2 id="case-h">Case</h2>
          <Async resource={d} loadingLabel="Loading the dispute…">
            {(v) => (
              <dl class="facts">
                <dt>Status</dt>
                <dd>
                  <Badge tone="info">{humanize(v.status)}</Badge> {v.payments_paused && <Badge tone="paused">Payments paused</Badge>}
                </dd>
                <dt>Reason</dt>
                <dd>
                  {humanize(v.reason)}
                  {v.sub_reason && <span class="muted"> · {humanize(v.sub_reason)}</span>}
                </dd>
                <dt>Merchant</dt>
                <dd>
                  {v.merchant_name} <span class="muted mono small">{v.merchant_order_ref}</span>
                </dd>
                <dt>Amount</dt>
                <dd>{formatMoney(v.amount, v.currency)}</dd>
                {v.outcome && (
                  <>
                    <dt>Outcome</dt>
                    <dd>
                      {humanize(v.outcome)} · {formatMoney(v.outcome_amount, v.currency)}
                    </dd>
                  </>
                )}
                {v.handoff && (
                  <>
                    <dt>Handoff</dt>
                    <dd>
                      {humanize(v.handoff.status)}
                      {v.handoff.reason_category && ` · ${humanize(v.handoff.reason_category)}`}
                    </dd>
                  </>
                )}
                <dt>Opened</dt>
                <dd>{formatDateTime(v.created_at)}</dd>
              </dl>
            )}
          </Async>
        </section>
        <section class="card" aria-labelledby="decisions-h">
          <h2 id="decisions-h">Decisions</h2>
          <Async resource={d} isEmpty={(v) => !v.decisions?.length} empty={<p>No decisions yet.</p>}>
            {(v) => (
              <ol class="list-plain stack">
                {v.decisions.map((x, i) => (
                  <li key={i} class="decision">
                    <div class="spread">
                      <strong class="mono">
                        {x.decided_by === 'agent' || !x.rule_id ? `agent ${String(x.agent_id ?? '')}` : `${String(x.rule_id)}@${String(x.rule_version ?? '')}`}
                      </strong>
                      <span class="small muted">{formatDateTime(String(x.decided_at ?? x.created_at ?? ''))}</span>
                    </div>
                    <div class="small">
                      {humanize(String(x.action ?? ''))}
                      {x.outcome ? ` → ${humanize(String(x.outcome))}` : ''}
                      {typeof x.amount === 'number' && x.amount > 0 ? ` · ${formatMoney(x.amount, v.currency)}` : ''}
                      {x.verdict ? (
                        <>
                          {' · '}
                          <Badge tone={x.verdict === 'agree' ? 'good' : 'bad'}>{x.verdict === 'agree' ? 'Agreed' : 'Overturned'}</Badge>
                        </>
                      ) : null}
                    </div>
                    {x.decided_by === 'agent' && x.note ? <div class="small muted">“{String(x.note)}”</div> : null}
                    {Array.isArray(x.citations) && x.citations.length > 0 && (
                      <div class="small cites">
                        {(x.citations as string[]).map((c) => (
                          <a key={c} href={citationHref(c)} target="_blank" rel="noopener" class="mono">
                            {c}
                          </a>
                        ))}
                      </div>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </Async>
        </section>
      </div>
      <section class="card" aria-labelledby="recordings-h">
        <h2 id="recordings-h">Screen-share recordings</h2>
        <RecordingTable bare resource={recs} empty="No screen share was recorded for this dispute." />
      </section>
      <section class="card" aria-labelledby="audit-h">
        <div class="spread">
          <h2 id="audit-h">Audit log</h2>
          {log.data &&
            (log.data.verified ? (
              <Badge tone="good">✓ Hash chain verifies ({log.data.events.length} events)</Badge>
            ) : (
              <Badge tone="bad">✗ Hash chain broken{log.data.broken_at ? ` at event ${log.data.broken_at}` : ''}</Badge>
            ))}
        </div>
        <Async resource={log} loadingLabel="Loading the audit log…" isEmpty={(l) => l.events.length === 0} empty={<p>The log is empty.</p>}>
          {(l) => (
            <div class="table-wrap">
              <table class="audit">
                <thead>
                  <tr>
                    <th scope="col" class="num">
                      #
                    </th>
                    <th scope="col">When</th>
                    <th scope="col">Event</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Data</th>
                    <th scope="col">Hash</th>
                  </tr>
                </thead>
                <tbody>
                  {l.events.map((e) => (
                    <tr key={e.seq} class={l.broken_at === e.seq ? 'broken' : undefined}>
                      <td class="num">{e.seq}</td>
                      <td class="nowrap">{formatDateTime(e.at)}</td>
                      <td>{humanize(e.type)}</td>
                      <td class="mono small">{e.actor}</td>
                      <td>
                        <details>
                          <summary class="small">{summary(e.data)}</summary>
                          <pre class="json">{JSON.stringify(e.data, null, 2)}</pre>
                        </details>
                      </td>
                      <td class="mono small" title={`previous ${hex(e.prev_hash)}`}>
                        {hex(e.hash)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Async>
      </section>
    </main>
  );
}

function summary(data: unknown): string {
  if (!data || typeof data !== 'object') return String(data ?? '');
  const keys = Object.keys(data as object);
  return keys.length ? keys.slice(0, 4).join(', ') + (keys.length > 4 ? ', …' : '') : '(empty)';
}
