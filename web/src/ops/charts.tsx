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

export function BarChart({ bars, max, title, unit }: { bars: Bar[]; max?: number; title: string; unit: string }) {
  const [ref, W] = useWidth();
  const row = 30;
  const labelW = Math.min(200, Math.round(W * 0.34));
  const barW = W - labelW - 110;
  const top = Math.max(max ?? 0, ...bars.map((b) => b.value), 1e-9);
  const h = bars.length * row + 4;
  return (
    <ChartFigure title={title} table={<DataTable head={['', unit]} rows={bars.map((b) => [b.label + (b.flagged ? ' (unusual)' : ''), b.text])} />}>
      <div ref={ref}>
      <svg viewBox={`0 0 ${W} ${h}`} width={W} height={h} role="img" aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.text}`).join(', ')}`} class="chart">
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
      </svg>
      </div>
    </ChartFigure>
  );
}

export interface Series {
  name: string;
  values: number[];
  cls: string;
}

/** Lines over days; values are ratios (0..1) when percent is set. */
export function LineChart({ days, series, title, percent, format }: { days: string[]; series: Series[]; title: string; percent?: boolean; format: (n: number) => string }) {
  const [ref, W] = useWidth();
  const H = 220;
  const pad = { l: 48, r: 12, t: 12, b: 28 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const top = percent ? 1 : niceCeil(Math.max(4, ...series.flatMap((s) => s.values)));
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
      table={<DataTable head={['Day', ...series.map((s) => s.name)]} rows={days.map((d, i) => [d, ...series.map((s) => format(s.values[i]))])} />}
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
            <polyline fill="none" points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')} class="chart-line" />
            {s.values.map((v, i) => (v > 0 || days.length < 20 ? <circle key={i} cx={x(i)} cy={y(v)} r="3" class="chart-dot" /> : null))}
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
