import { cellLevel, perClassRecall } from '../lib/model/evaluation';
import { formatPercent } from '../lib/format';

/**
 * The confusion matrix as an accessible table: rows are the true classes, columns the predicted ones, each cell a
 * count (shaded by its share of the row: the diagonal in the accent colour, mistakes in red), plus each class's recall.
 */
export function ConfusionMatrix({ matrix, classNames }: { matrix: number[][]; classNames?: string[] }) {
  const name = (c: number) => classNames?.[c] ?? `Class ${c}`;
  const recall = perClassRecall(matrix);
  return (
    <div className="table-scroll">
      <table className="table confusion" aria-describedby="confusion-help">
        <caption>Confusion matrix: true class (rows) by predicted class (columns)</caption>
        <thead>
          <tr>
            <th scope="col"><span className="visually-hidden">True class</span><span aria-hidden="true">true ↓ · predicted →</span></th>
            {matrix.map((_, c) => <th key={c} scope="col">{name(c)}</th>)}
            <th scope="col">Recall</th>
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, t) => {
            const total = row.reduce((a, b) => a + b, 0);
            return (
              <tr key={t}>
                <th scope="row">{name(t)}</th>
                {row.map((count, p) => (
                  <td key={p} className={`cm-cell ${t === p ? 'cm-hit' : 'cm-miss'} cm-${cellLevel(count, total)}`}>
                    {count}
                  </td>
                ))}
                <td>{recall[t] === null ? '—' : formatPercent(recall[t]!)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p id="confusion-help" className="hint">
        Each row counts the test images of one true class by the class the model predicted; the diagonal holds the
        correct predictions. Darker cells hold a larger share of their row.
      </p>
    </div>
  );
}
