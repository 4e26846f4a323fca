/**
 * Statistics (数据统计): contracts sent, completed and rejected per day over a window, drawn as
 * grouped bars in inline SVG (no chart library), the totals, and the mean and median time from
 * sending to completion. Every chart has a text alternative: a table of the same numbers.
 */
import { useState } from 'preact/hooks';
import { useI18n } from '../shared/i18n.js';
import type { ContractStats, StatsDay } from './console-api.js';
import { LoadView, PageHeader, Section, formatDuration, useConsole, useLoad, type Key } from './console-ui.js';

const SERIES = ['sent', 'completed', 'rejected'] as const;

/** The statistics screen. */
export function StatsPage() {
  const { t, lang } = useI18n<Key>();
  const { api } = useConsole();
  const [days, setDays] = useState(30);
  const stats = useLoad(() => api.stats(days), [days]);
  return (
    <>
      <PageHeader title={t('stats.title')} actions={(
        <label class="inline-select">
          <span>{t('stats.window')}</span>
          <select class="input" value={String(days)} onChange={(e) => setDays(Number((e.currentTarget as HTMLSelectElement).value))}>
            {[7, 30, 90, 365].map((d) => <option key={d} value={d}>{t('stats.days', { days: d })}</option>)}
          </select>
        </label>
      )} />
      <LoadView loaded={stats.loaded} onRetry={stats.reload}>
        {(s: ContractStats) => (
          <>
            <ul class="stat-tiles" aria-label={t('stats.totals')}>
              {(['sent', 'completed', 'rejected', 'signing'] as const).map((k) => (
                <li key={k} class={`card stat-tile tile-${k}`} data-total={k}><span class="tile-label">{t(`stats.${k}` as Key)}</span><b class="tile-value">{s.totals[k]}</b></li>
              ))}
              <li class="card stat-tile tile-time" data-total="average">
                <span class="tile-label">{t('stats.average')}</span>
                <b class="tile-value">{s.averageCompletionSeconds === undefined ? '—' : formatDuration(s.averageCompletionSeconds, lang)}</b>
                {s.medianCompletionSeconds !== undefined && <span class="muted">{t('stats.median', { time: formatDuration(s.medianCompletionSeconds, lang) })}</span>}
              </li>
            </ul>
            <Section title={t('stats.chart', { from: s.from, to: s.to })} id="stats-chart">
              <BarChart days={s.days} />
              <ul class="legend" aria-hidden="true">
                {SERIES.map((k) => <li key={k}><span class={`swatch bar-${k}`} />{t(`stats.${k}` as Key)}</li>)}
              </ul>
              <details class="chart-table">
                <summary>{t('stats.asTable')}</summary>
                <div class="table-wrap">
                  <table class="data-table">
                    <thead><tr><th scope="col">{t('stats.date')}</th>{SERIES.map((k) => <th key={k} scope="col">{t(`stats.${k}` as Key)}</th>)}</tr></thead>
                    <tbody>{s.days.filter((d) => d.sent || d.completed || d.rejected).map((d) => <tr key={d.date}><td>{d.date}</td><td>{d.sent}</td><td>{d.completed}</td><td>{d.rejected}</td></tr>)}</tbody>
                  </table>
                </div>
              </details>
            </Section>
            <Section title={t('stats.cumulative')} id="stats-line">
              <LineChart days={s.days} />
            </Section>
          </>
        )}
      </LoadView>
    </>
  );
}

/** A nice upper bound for an axis: 1, 2, 5 × 10ⁿ. */
export function niceMax(n: number): number {
  if (n <= 4) return Math.max(1, n);
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

const W = 640, H = 220, PAD = { l: 32, r: 8, t: 10, b: 26 };

function BarChart(props: { days: readonly StatsDay[] }) {
  const { t } = useI18n<Key>();
  const max = niceMax(Math.max(0, ...props.days.flatMap((d) => SERIES.map((k) => d[k]))));
  const n = props.days.length;
  const slot = (W - PAD.l - PAD.r) / Math.max(1, n);
  const bar = Math.max(1, (slot * 0.8) / SERIES.length);
  const y = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / max);
  const ticks = [0, max / 2, max];
  const labelEvery = Math.ceil(n / 8);
  const total = props.days.reduce((a, d) => a + d.sent + d.completed + d.rejected, 0);
  return (
    <svg class="chart bar-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('stats.chartLabel', { days: n, total })}>
      {ticks.map((v) => (
        <g key={v}>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} class="grid" />
          <text x={PAD.l - 4} y={y(v) + 4} class="axis" text-anchor="end">{Math.round(v)}</text>
        </g>
      ))}
      {props.days.map((d, i) => (
        <g key={d.date} data-day={d.date}>
          {SERIES.map((k, j) => d[k] > 0 && (
            <rect key={k} class={`bar bar-${k}`} data-series={k} data-value={d[k]} x={PAD.l + i * slot + slot * 0.1 + j * bar} y={y(d[k])} width={bar} height={y(0) - y(d[k])}>
              <title>{`${d.date} ${t(`stats.${k}` as Key)} ${d[k]}`}</title>
            </rect>
          ))}
          {i % labelEvery === 0 && <text x={PAD.l + i * slot + slot / 2} y={H - 8} class="axis" text-anchor="middle">{d.date.slice(5)}</text>}
        </g>
      ))}
    </svg>
  );
}

function LineChart(props: { days: readonly StatsDay[] }) {
  const { t } = useI18n<Key>();
  const cum = SERIES.map((k) => {
    let acc = 0;
    return props.days.map((d) => (acc += d[k]));
  });
  const max = niceMax(Math.max(0, ...cum.flat()));
  const n = props.days.length;
  const x = (i: number) => PAD.l + ((W - PAD.l - PAD.r) * i) / Math.max(1, n - 1);
  const y = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / max);
  return (
    <svg class="chart line-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('stats.lineLabel', { sent: cum[0][n - 1] ?? 0, completed: cum[1][n - 1] ?? 0, rejected: cum[2][n - 1] ?? 0 })}>
      {[0, max / 2, max].map((v) => (
        <g key={v}>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} class="grid" />
          <text x={PAD.l - 4} y={y(v) + 4} class="axis" text-anchor="end">{Math.round(v)}</text>
        </g>
      ))}
      {SERIES.map((k, j) => <polyline key={k} class={`line line-${k}`} data-series={k} points={cum[j].map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')} />)}
      {n > 0 && <text x={PAD.l} y={H - 8} class="axis">{props.days[0].date.slice(5)}</text>}
      {n > 1 && <text x={W - PAD.r} y={H - 8} class="axis" text-anchor="end">{props.days[n - 1].date.slice(5)}</text>}
    </svg>
  );
}
