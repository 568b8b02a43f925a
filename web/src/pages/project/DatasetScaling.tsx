import { useState } from 'react';
import { api } from '../../api/client';
import type { Dataset, User } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ownStatistics, type KeyValueStore, type StandardizationStats } from '../../lib/ownerVault';
import { describeScaling, formatNumbers, kindOf, scalingLabel } from '../../lib/scaling';

/** Whether `user` may disclose `dataset`'s statistics from this browser: their own dataset, standardised with statistics kept here. */
export function canDisclose(dataset: Dataset, user: Pick<User, 'id' | 'userName'> | null | undefined, kv?: KeyValueStore): StandardizationStats | undefined {
  if (!user || kindOf(dataset.scaling) !== 'own' || dataset.status === 'Rejected') return undefined;
  const mine = dataset.owner ? dataset.owner === user.userName : dataset.createdBy === user.id;
  if (!mine) return undefined;
  const stats = ownStatistics(dataset.id, kv);
  return stats && stats.mean.length === dataset.channels ? stats : undefined;
}

/** What the confirmation says becomes public, exactly: the numbers, to whom, and that it is final. */
export function disclosureConfirmation(name: string, stats: StandardizationStats): string {
  const channels = stats.mean.length;
  return `Disclose the statistics of ${name}? ${channels === 1 ? 'One mean and one deviation' : `One mean and one deviation per channel (${channels} channels)`}`
    + ` — mean ${formatNumbers(stats.mean)}, deviation ${formatNumbers(stats.std)} — become public to the project's members, the two compute`
    + ' parties and the approvers of every job that uses this dataset, so it can join jobs with other owners. Nothing else of the dataset is disclosed.'
    + ' This cannot be undone.';
}

/**
 * A dataset row's scaling: its label with the words in a tooltip and, for the signed-in owner's own dataset whose
 * statistics this browser holds, "Disclose statistics" behind a confirmation that says exactly what becomes public.
 */
export function DatasetScaling({ dataset, user, onChanged, kv }: {
  dataset: Dataset; user: Pick<User, 'id' | 'userName'> | null | undefined; onChanged: () => void; kv?: KeyValueStore;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const stats = canDisclose(dataset, user, kv);

  async function disclose() {
    if (!stats) return;
    setBusy(true);
    setError(null);
    try {
      // The full-precision values this browser standardised with: the parties map the shares back with exactly these.
      await api.discloseStatistics(dataset.id, { mean: stats.mean, std: stats.std });
      setConfirming(false);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="small" data-testid={`scaling-${dataset.id}`}>
      <span title={describeScaling(dataset.scaling)}>Pixels: {scalingLabel(dataset.scaling)}</span>
      {kindOf(dataset.scaling) === 'disclosed' && <span className="muted"> (mean {formatNumbers(dataset.scaling?.mean ?? [])}, std {formatNumbers(dataset.scaling?.std ?? [])})</span>}
      {stats && !confirming && (
        <>
          {' '}<button type="button" className="small" onClick={() => setConfirming(true)}>Disclose statistics<span className="visually-hidden"> of {dataset.name}</span></button>
        </>
      )}
      {stats && confirming && (
        <span className="actions" role="group" aria-label={`Disclose the statistics of ${dataset.name}`}>
          <span>{disclosureConfirmation(dataset.name, stats)}</span>
          <button type="button" className="danger" disabled={busy} onClick={() => void disclose()}>Disclose now<span className="visually-hidden"> {dataset.name}</span></button>
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>Cancel</button>
        </span>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
