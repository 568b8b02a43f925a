import type { EpochMetrics } from '../../lib/epochs';
import { formatNumber, formatPercent } from '../../lib/format';
import { formatDuration } from '../../lib/progress';

/** Every epoch that ran, as the platform stored it: the loss at its latest step (if revealed), accuracy when reported, throughput, duration, checkpoint. */
export function EpochTable({ rows, revealLoss }: { rows: EpochMetrics[]; revealLoss: boolean }) {
  if (rows.length === 0) return null;
  const hasAccuracy = rows.some(r => r.accuracy !== undefined);
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">Metrics per epoch</caption>
        <thead>
          <tr>
            <th scope="col">Epoch</th><th scope="col">Steps</th>
            <th scope="col">{revealLoss ? 'Training loss (last step)' : 'Training loss'}</th>
            {hasAccuracy && <th scope="col">Accuracy</th>}
            <th scope="col">Images/s</th>
            <th scope="col">Duration</th>
            <th scope="col">Checkpoint</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(r => (
            <tr key={r.epoch}>
              <td>{r.epoch}</td>
              <td>{r.stepsDone} / {r.stepsPerEpoch}</td>
              <td>{revealLoss ? formatNumber(r.loss) : 'not revealed'}</td>
              {hasAccuracy && <td>{r.accuracy === undefined ? '—' : formatPercent(r.accuracy)}</td>}
              <td>{formatNumber(r.imagesPerSecond, 1)}</td>
              <td>{formatDuration(r.durationSeconds)}</td>
              <td>{r.checkpoint ? 'saved' : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
