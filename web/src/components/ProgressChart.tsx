import type { ProgressPoint } from '../lib/progress';
import { polyline } from '../lib/progress';
import { formatNumber } from '../lib/format';

const W = 520;
const H = 180;
const PAD = { left: 44, right: 44, top: 12, bottom: 28 };

/** Progress (and the revealed loss, when there is one) over time, as hand-drawn SVG. */
export function ProgressChart({ points }: { points: ProgressPoint[] }) {
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const tMax = Math.max(1, ...points.map(p => p.t));
  const losses = points.filter(p => p.loss !== undefined) as Required<ProgressPoint>[];
  const lossMax = losses.length ? Math.max(...losses.map(p => p.loss)) : 0;
  const lossMin = losses.length ? Math.min(0, ...losses.map(p => p.loss)) : 0;
  const progressLine = polyline(points.map(p => ({ x: p.t, y: p.fraction })), iw, ih, tMax, 0, 1);
  const lossLine = polyline(losses.map(p => ({ x: p.t, y: p.loss })), iw, ih, tMax, lossMin, lossMax || 1);
  const last = points[points.length - 1];
  const summary = last
    ? `Progress ${Math.round(last.fraction * 100)} % after ${Math.round(last.t)} s${last.loss !== undefined ? `, loss ${formatNumber(last.loss)}` : ''}.`
    : 'No progress reported yet.';
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Training progress chart. ${summary}`}>
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          <rect width={iw} height={ih} className="chart-bg" />
          {[0, 0.25, 0.5, 0.75, 1].map(f => (
            <g key={f}>
              <line x1={0} x2={iw} y1={ih - f * ih} y2={ih - f * ih} className="chart-grid" />
              <text x={-6} y={ih - f * ih + 4} textAnchor="end" className="chart-tick">{Math.round(f * 100)}%</text>
            </g>
          ))}
          {losses.length > 0 && [0, 1].map(f => (
            <text key={f} x={iw + 6} y={ih - f * ih + 4} className="chart-tick chart-loss-tick">
              {formatNumber(lossMin + f * ((lossMax || 1) - lossMin), 2)}
            </text>
          ))}
          <text x={iw / 2} y={ih + 22} textAnchor="middle" className="chart-tick">seconds ({Math.round(tMax)})</text>
          {points.length > 1 && <polyline points={progressLine} className="chart-progress" />}
          {losses.length > 1 && <polyline points={lossLine} className="chart-loss" />}
        </g>
      </svg>
      <figcaption>
        <span className="legend legend-progress">progress</span>
        {losses.length > 0 && <span className="legend legend-loss">training loss (revealed)</span>}
        <span className="visually-hidden">{summary}</span>
      </figcaption>
    </figure>
  );
}
