import type { Dataset } from '../../api/types';
import { describeMode, disclosureWords, standardizationMode, unionConflicts, UNION } from '../../lib/scaling';

/**
 * The job form's word on standardisation before the job exists: the mode the platform will give it (ModeFor over the
 * chosen training sets and test set), what it opens, what each disclosed dataset discloses, and — for a union job —
 * each dataset it cannot use, as the platform says when it refuses the job (its own refusal shows under the form).
 */
export function StandardizationPreview({ training, test }: { training: Dataset[]; test?: Dataset }) {
  if (training.length === 0) return null;
  const all = test ? [...training, test] : training;
  const mode = standardizationMode(training.length, all.map(d => d.scaling));
  const disclosed = all.flatMap(d => {
    const words = disclosureWords(d.scaling);
    return words ? [{ d, words }] : [];
  });
  const conflicts = unionConflicts(mode, all);
  return (
    <section className="wide" aria-labelledby="job-standardization-title" data-testid="job-standardization">
      <h4 id="job-standardization-title">Standardisation: {mode === UNION ? 'over the union' : 'as shared'}</h4>
      <p className="hint">{describeMode(mode)}</p>
      {disclosed.length > 0 && (
        <ul className="hint">
          {disclosed.map(({ d, words }) => <li key={d.id}>{d.name} (<code>{d.id}</code>) {words}.</li>)}
        </ul>
      )}
      {conflicts.length > 0 && (
        <div className="notice" role="note">
          <p>This job will be refused:</p>
          <ul>{conflicts.map(c => <li key={c.id}>{c.message}</li>)}</ul>
        </div>
      )}
    </section>
  );
}
