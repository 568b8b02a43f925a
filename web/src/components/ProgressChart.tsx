import type { ProgressPoint } from '../lib/progress';
import { formatElapsed, polyline } from '../lib/progress';
import { fitAxis, formatTick, timeLabel, timeTicks } from '../lib/axis';
import { formatNumber } from '../lib/format';

const W = 520;
const H = 180;
const PAD = { left: 44, right: 48, top: 12, bottom: 30 };

/**
 * Progress (and the revealed loss, when there is one) against the time since the job started, as hand-drawn SVG.
 * The progress axis is 0–100 %; the loss axis fits the loss (smallest to largest with a margin, round ticks), so a
 * small fall is visible. `until`: the job's elapsed time, so a running job's time axis reaches now.
 */
export function ProgressChart({ points, until = 0 }: { points: ProgressPoint[]; until?: number }) {
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const tMax = Math.max(1, until, ...points.map(p => p.t));
  const losses = points.filter(p => p.loss !== undefined) as Required<ProgressPoint>[];
  const lossAxis = fitAxis(losses.map(p => p.loss), { floor: 0 });
  const progressLine = polyline(points.map(p => ({ x: p.t, y: p.fraction })), iw, ih, tMax, 0, 1);
  const lossLine = lossAxis ? polyline(losses.map(p => ({ x: p.t, y: p.loss })), iw, ih, tMax, lossAxis.min, lossAxis.max) : '';
  const lossY = (v: number) => (lossAxis ? ih - ((v - lossAxis.min) / (lossAxis.max - lossAxis.min || 1)) * ih : 0);
  const last = points[points.length - 1];
  const summary = last
    ? `Progress ${Math.round(last.fraction * 100)} % ${formatElapsed(last.t)} after the start${last.loss !== undefined ? `, loss ${formatNumber(last.loss)}` : ''}.`
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
          {lossAxis && losses.length > 0 && lossAxis.ticks.map(v => (
            <g key={v} className="chart-loss-axis">
              <line x1={iw} x2={iw + 4} y1={lossY(v)} y2={lossY(v)} className="chart-loss-mark" />
              <text x={iw + 6} y={lossY(v) + 4} className="chart-tick chart-loss-tick">{formatTick(v, lossAxis.step)}</text>
            </g>
          ))}
          {timeTicks(tMax).map(t => (
            <text key={t} x={(t / tMax) * iw} y={ih + 13} textAnchor="middle" className="chart-tick chart-time-tick">{timeLabel(t)}</text>
          ))}
          <text x={iw / 2} y={ih + 26} textAnchor="middle" className="chart-tick">time since the job started</text>
          {points.length > 1 && <polyline points={progressLine} className="chart-progress" />}
          {losses.length > 1 && <polyline points={lossLine} className="chart-loss" />}
        </g>
      </svg>
      <figcaption>
        <span className="legend legend-progress">progress</span>
        {losses.length > 0 && <span className="legend legend-loss">training loss (revealed; right axis)</span>}
        <span className="visually-hidden">{summary}</span>
      </figcaption>
    </figure>
  );
}
