// Small hand-drawn SVG charts. Each one also offers its numbers as a table, so
// nothing is only visible as a picture.
import type { ComponentChildren, RefObject } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface Bar {
  label: string;
  value: number;
  /** The value as shown (e.g. "12.5%"). */
  text: string;
  flagged?: boolean;
}

/**
 * The width the chart is drawn at: its container's, so that one SVG unit is
 * one CSS pixel and labels keep their size on any screen.
 */
function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(640);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setW(Math.max(280, Math.floor(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}

/** A reference value drawn across the bars, e.g. the rate across all merchants. */
export interface Reference {
  value: number;
  /** What the line is, as drawn ("All merchants: 4.2"). */
  label: string;
  /** Its name and value for the table. */
  name: string;
  text: string;
}

export function BarChart({ bars, max, title, unit, reference, flagNote = 'unusual' }: { bars: Bar[]; max?: number; title: string; unit: string; reference?: Reference; flagNote?: string }) {
  const [ref, W] = useWidth();
  const row = 30;
  const labelW = Math.min(200, Math.round(W * 0.34));
  const barW = W - labelW - 110;
  const top = Math.max(max ?? 0, reference?.value ?? 0, ...bars.map((b) => b.value), 1e-9);
  const refTop = reference ? 18 : 0;
  const h = bars.length * row + 4 + refTop;
  const rx = reference ? labelW + (reference.value / top) * barW : 0;
  return (
    <ChartFigure
      title={title}
      table={<DataTable head={['', unit]} rows={[...bars.map((b) => [b.label + (b.flagged ? ` (${flagNote})` : ''), b.text]), ...(reference ? [[reference.name, reference.text]] : [])]} />}
    >
      <div ref={ref}>
      <svg
        viewBox={`0 0 ${W} ${h}`}
        width={W}
        height={h}
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.text}${b.flagged ? ` (${flagNote})` : ''}`).join(', ')}${reference ? `; ${reference.label}` : ''}`}
        class="chart"
      >
        {reference && (
          <g class="chart-ref">
            <text x={Math.min(rx, W - 4)} y={11} text-anchor={rx > W - 120 ? 'end' : 'middle'} class="chart-axis">
              {reference.label}
            </text>
            <line x1={rx} x2={rx} y1={refTop - 4} y2={h} />
          </g>
        )}
        <g transform={`translate(0 ${refTop})`}>
        {bars.map((b, i) => {
          const y = i * row + 4;
          const w = Math.max(b.value > 0 ? 2 : 0, (b.value / top) * barW);
          return (
            <g key={b.label}>
              <text x={labelW - 8} y={y + row / 2} text-anchor="end" dominant-baseline="middle" class="chart-label">
                {b.label.length > labelW / 7.5 ? `${b.label.slice(0, Math.floor(labelW / 7.5) - 1)}…` : b.label}
              </text>
              <rect x={labelW} y={y + 5} width={barW} height={row - 12} rx="3" class="chart-track" />
              <rect x={labelW} y={y + 5} width={w} height={row - 12} rx="3" class={b.flagged ? 'chart-bar flagged' : 'chart-bar'} />
              <text x={labelW + w + 6} y={y + row / 2} dominant-baseline="middle" class="chart-value">
                {b.text}
              </text>
            </g>
          );
        })}
        </g>
      </svg>
      </div>
    </ChartFigure>
  );
}

export interface Column {
  label: string;
  value: number;
  /** The value as shown. */
  text: string;
}

/** Vertical columns, e.g. a histogram: one column per bucket, left to right. */
export function ColumnChart({ columns, title, unit, head = '' }: { columns: Column[]; title: string; unit: string; head?: string }) {
  const [ref, W] = useWidth();
  const H = 220;
  const pad = { l: 8, r: 8, t: 22, b: 30 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const top = Math.max(1e-9, ...columns.map((c) => c.value));
  const slot = iw / Math.max(1, columns.length);
  const cw = Math.min(72, slot * 0.7);
  return (
    <ChartFigure title={title} table={<DataTable head={[head, unit]} rows={columns.map((c) => [c.label, c.text])} />}>
      <div ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${title}: ${columns.map((c) => `${c.label} ${c.text}`).join(', ')}`} class="chart">
        <line x1={pad.l} x2={W - pad.r} y1={pad.t + ih} y2={pad.t + ih} class="chart-grid" />
        {columns.map((c, i) => {
          const cx = pad.l + slot * i + slot / 2;
          const h = c.value > 0 ? Math.max(2, (c.value / top) * ih) : 0;
          return (
            <g key={c.label}>
              <rect x={cx - cw / 2} y={pad.t + ih - h} width={cw} height={h} rx="3" class="chart-bar" />
              <text x={cx} y={pad.t + ih - h - 6} text-anchor="middle" class="chart-value">
                {c.text}
              </text>
              <text x={cx} y={H - 10} text-anchor="middle" class="chart-axis">
                {c.label}
              </text>
            </g>
          );
        })}
      </svg>
      </div>
    </ChartFigure>
  );
}

export interface Series {
  name: string;
  /** One value per day; null where there is none (drawn as a gap). */
  values: (number | null)[];
  cls: string;
}

/** The runs of consecutive non-null values, as [index, value] pairs. */
function segments(values: (number | null)[]): [number, number][][] {
  const out: [number, number][][] = [];
  let run: [number, number][] = [];
  values.forEach((v, i) => {
    if (v == null) {
      if (run.length) out.push(run);
      run = [];
    } else run.push([i, v]);
  });
  if (run.length) out.push(run);
  return out;
}

/**
 * Lines over days; values are ratios (0..1) when percent is set. Null values
 * leave a gap; a value with no neighbour shows as a dot.
 */
export function LineChart({ days, series, title, percent, format }: { days: string[]; series: Series[]; title: string; percent?: boolean; format: (n: number) => string }) {
  const [ref, W] = useWidth();
  const H = 220;
  const pad = { l: 48, r: 12, t: 12, b: 28 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const top = percent ? 1 : niceCeil(Math.max(4, ...series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const x = (i: number) => pad.l + (days.length <= 1 ? iw / 2 : (i / (days.length - 1)) * iw);
  const y = (v: number) => pad.t + ih - (v / top) * ih;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  const labelEvery = Math.max(1, Math.ceil(days.length / Math.max(2, Math.floor(iw / 56))));
  return (
    <ChartFigure
      title={title}
      legend={
        <ul class="legend">
          {series.map((s) => (
            <li key={s.name}>
              <span class={`swatch ${s.cls}`} aria-hidden="true" />
              {s.name}
            </li>
          ))}
        </ul>
      }
      table={<DataTable head={['Day', ...series.map((s) => s.name)]} rows={days.map((d, i) => [d, ...series.map((s) => (s.values[i] == null ? '—' : format(s.values[i] as number)))])} />}
    >
      <div ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${title}, ${days[0]} to ${days[days.length - 1]}`} class="chart">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} class="chart-grid" />
            <text x={pad.l - 6} y={y(t)} text-anchor="end" dominant-baseline="middle" class="chart-axis">
              {format(t)}
            </text>
          </g>
        ))}
        {days.map((d, i) =>
          i % labelEvery === 0 ? (
            <text key={d} x={x(i)} y={H - 8} text-anchor="middle" class="chart-axis">
              {d.slice(5)}
            </text>
          ) : null,
        )}
        {series.map((s) => (
          <g key={s.name} class={s.cls}>
            {segments(s.values).map((run) =>
              run.length > 1 ? <polyline key={run[0][0]} fill="none" points={run.map(([i, v]) => `${x(i)},${y(v)}`).join(' ')} class="chart-line" /> : null,
            )}
            {s.values.map((v, i) =>
              v != null && (v > 0 || days.length < 20 || s.values[i - 1] == null || s.values[i + 1] == null) ? <circle key={i} cx={x(i)} cy={y(v)} r="3" class="chart-dot" /> : null,
            )}
          </g>
        ))}
      </svg>
      </div>
    </ChartFigure>
  );
}

function ChartFigure({ title, legend, table, children }: { title: string; legend?: ComponentChildren; table: ComponentChildren; children: ComponentChildren }) {
  return (
    <figure class="chart-figure">
      <figcaption>{title}</figcaption>
      {legend}
      {children}
      <details>
        <summary>Show the numbers</summary>
        {table}
      </details>
    </figure>
  );
}

function DataTable({ head, rows }: { head: string[]; rows: string[][] }) {
  return (
    <table class="data-table">
      <thead>
        <tr>
          {head.map((h, i) => (
            <th key={i} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) => (j === 0 ? <th key={j} scope="row">{c}</th> : <td key={j}>{c}</td>))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The smallest of 4, 8, 20, 40, 80, 200, … (four even steps of 1, 2 or 5 × 10ⁿ) that is ≥ n. */
function niceCeil(n: number): number {
  for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (4 * m * p >= n) return 4 * m * p;
}
