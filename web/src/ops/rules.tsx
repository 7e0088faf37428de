// Rule switches: each policy rule with how often it fired and was overturned,
// and whether it acts on its own ("auto") or only proposes to a person.
import { useState } from 'preact/hooks';
import { formatPercent } from '../shared/format';
import { useFocusHeading } from '../shared/router';
import type { Rule } from '../shared/types';
import { Async, Badge, errorText, useResource, useTitle } from '../shared/ui';
import { citationHref } from './outcomes';
import { api } from './session';

export function RulesPage() {
  useTitle('Rules', 'Settle ops');
  useFocusHeading('rules');
  const res = useResource(() => api.get<{ rules: Rule[]; policy_version: string }>('/v1/ops/rules'), []);
  return (
    <main id="main">
      <div class="page-head">
        <h1>Rules</h1>
        <p>
          Switch a rule to <strong>propose only</strong> and its decisions wait for a person instead of taking effect. No deploy needed.
        </p>
      </div>
      <Async resource={res} loadingLabel="Loading rules…" isEmpty={(d) => d.rules.length === 0} empty={<p>No rules are defined.</p>}>
        {(d) => (
          <>
            <p class="muted small">Policy version {d.policy_version} · rules are evaluated in this order.</p>
            <div class="table-wrap card flush">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Rule</th>
                    <th scope="col">Cites</th>
                    <th scope="col" class="num">
                      Fired
                    </th>
                    <th scope="col" class="num">
                      Reviewed
                    </th>
                    <th scope="col" class="num">
                      Overturned
                    </th>
                    <th scope="col">Mode</th>
                  </tr>
                </thead>
                <tbody>
                  {d.rules.map((r) => (
                    <RuleRow key={r.rule_id} rule={r} />
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Async>
    </main>
  );
}

function RuleRow({ rule }: { rule: Rule }) {
  const [mode, setMode] = useState(rule.mode);
  const [state, setState] = useState<{ busy: boolean; error?: string; saved?: boolean }>({ busy: false });
  async function change(next: Rule['mode']) {
    if (next === mode) return;
    const before = mode;
    setMode(next);
    setState({ busy: true });
    try {
      await api.put(`/v1/ops/rules/${encodeURIComponent(rule.rule_id)}`, { mode: next });
      setState({ busy: false, saved: true });
    } catch (e) {
      setMode(before);
      setState({ busy: false, error: errorText(e) });
    }
  }
  const name = `mode-${rule.rule_id}`;
  return (
    <tr>
      <th scope="row">
        <span class="mono nowrap">{rule.rule_id}</span>
        <div class="small muted">version {rule.version}</div>
      </th>
      <td>
        <div class="small cites">
          {(rule.citations ?? []).map((c) => (
            <a key={c} href={citationHref(c)} target="_blank" rel="noopener" class="mono">
              {c}
              <span class="visually-hidden"> (opens in a new tab)</span>
            </a>
          ))}
        </div>
      </td>
      <td class="num">{rule.fired}</td>
      <td class="num">{rule.reviewed}</td>
      <td class="num">
        {rule.overturned}
        {rule.reviewed > 0 && (
          <div>
            <Badge tone={rule.overturn_rate >= 0.2 ? 'bad' : 'neutral'}>{formatPercent(rule.overturn_rate)}</Badge>
          </div>
        )}
      </td>
      <td>
        <fieldset class="switch" disabled={state.busy}>
          <legend class="visually-hidden">Mode of {rule.rule_id}</legend>
          <label class={mode === 'auto' ? 'on' : ''}>
            <input type="radio" name={name} value="auto" checked={mode === 'auto'} onChange={() => change('auto')} />
            Auto
          </label>
          <label class={mode === 'propose_only' ? 'on' : ''}>
            <input type="radio" name={name} value="propose_only" checked={mode === 'propose_only'} onChange={() => change('propose_only')} />
            Propose only
          </label>
        </fieldset>
        <div class="small" role="status">
          {state.busy ? 'Saving…' : state.saved ? 'Saved' : ''}
        </div>
        {state.error && (
          <p class="small bad" role="alert">
            {state.error}
          </p>
        )}
      </td>
    </tr>
  );
}
