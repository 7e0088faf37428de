// Knowledge search over the lender's policies (GET /v1/knowledge/search): in
// a case's side panel and on its own page.
import { useState } from 'preact/hooks';
import { query } from '../shared/api';
import { navigate, useFocusHeading } from '../shared/router';
import { Async, useResource, useTitle } from '../shared/ui';
import type { KnowledgeResult } from './model';
import { api } from './session';

export function KnowledgeSearch(props: { initial?: string; idPrefix: string; onSearch?: (q: string) => void; headingLevel?: 2 | 3 }) {
  const [text, setText] = useState(props.initial ?? '');
  const [q, setQ] = useState(props.initial ?? '');
  const res = useResource(
    () => (q ? api.get<{ results: KnowledgeResult[] }>(`/v1/knowledge/search${query({ q, k: '5' })}`).then((d) => d.results ?? []) : Promise.resolve(null)),
    [q],
  );
  const inputId = `${props.idPrefix}-q`;
  return (
    <div class="knowledge">
      <form
        role="search"
        class="search-row"
        onSubmit={(e) => {
          e.preventDefault();
          const t = text.trim();
          setQ(t);
          props.onSearch?.(t);
        }}
      >
        <label for={inputId} class="visually-hidden">
          Search the policies
        </label>
        <input id={inputId} type="search" placeholder="e.g. merchant silent after a return" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        <button type="submit" class="button secondary">
          Search
        </button>
      </form>
      {q ? (
        <Async resource={res} loadingLabel="Searching…" isEmpty={(d) => !d || d.length === 0} empty={<p>No policy section matches “{q}”.</p>}>
          {(d) => (
            <ol class="list-plain results" aria-label={`Policy sections for “${q}”`}>
              {(d ?? []).map((r) => (
                <li key={r.chunk_id} class="result">
                  <a href={r.url} target="_blank" rel="noopener" class="result-title">
                    {r.title} § {r.section}
                    <span class="visually-hidden"> (opens in a new tab)</span>
                  </a>
                  <div class="small muted">{r.heading_path}</div>
                  <p class="small snippet">{r.snippet}</p>
                  <span class="small mono muted">{r.section_id}</span>
                </li>
              ))}
            </ol>
          )}
        </Async>
      ) : (
        <p class="small muted">Search the lender's policies to check a rule or find a section to cite.</p>
      )}
    </div>
  );
}

export function SearchPage({ q }: { q: string }) {
  useTitle('Policy search', 'Settle agent console');
  useFocusHeading('search');
  return (
    <main id="main">
      <div class="page-head">
        <h1>Policy search</h1>
        <p>The lender's dispute policies: the sections the engine cites and customers can read.</p>
      </div>
      <section class="card">
        <KnowledgeSearch key={q} initial={q} idPrefix="page" onSearch={(t) => navigate(`/agent/search${query({ q: t })}`, { replace: true })} />
      </section>
    </main>
  );
}
