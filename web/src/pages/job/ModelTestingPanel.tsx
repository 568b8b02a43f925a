import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import type { Dataset, Job } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { plural } from '../../lib/format';
import { kindOf, scalingLabel, UNION } from '../../lib/scaling';

/**
 * The model-testing service for a succeeded training job: secure inference of its model on another Ready dataset of
 * the project (shared earlier, e.g. from the datasets tab). The parties compute the predictions on shares; the new job's
 * page combines both halves in this browser into the accuracy and, with the dataset's labels, the confusion matrix.
 */
export function ModelTestingPanel({ job }: { job: Job }) {
  const navigate = useNavigate();
  const [datasets, setDatasets] = useState<Dataset[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.datasets(job.projectId).then(list => setDatasets(list.filter(d => d.status === 'Ready')), setError);
  }, [job.projectId]);

  async function start(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const started = await api.startInference(job.id, chosen);
      navigate(`/jobs/${started.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  // The test set is listed first: it is what an owner usually wants to test on again.
  const options = (datasets ?? []).slice().sort((a, b) => Number(b.purpose === 'Test') - Number(a.purpose === 'Test'));
  const union = job.standardization?.mode === UNION;
  const ownChosen = union && kindOf(options.find(d => d.id === chosen)?.scaling) === 'own';
  return (
    <section aria-labelledby="testing-title" className="card">
      <h2 id="testing-title">Test the model on a dataset</h2>
      <p className="hint">
        Runs secure inference of this model on a dataset the project already holds as shares: the servers compute the
        predictions without seeing an image, a label or a weight; the result is combined here, in your browser.
      </p>
      <form className="row" onSubmit={start}>
        <div className="field">
          <label htmlFor="testing-dataset">Dataset to test on</label>
          <select id="testing-dataset" value={chosen} onChange={e => setChosen(e.target.value)} required disabled={busy}>
            <option value="">choose…</option>
            {options.map(d => <option key={d.id} value={d.id}>{d.name} ({d.purpose.toLowerCase()}, {plural(d.count, 'image')}, {scalingLabel(d.scaling)})</option>)}
          </select>
        </div>
        <button type="submit" className="primary" disabled={busy || !chosen}>Run model test</button>
      </form>
      {union && (
        <p className="hint">This model was trained standardised over the union: the servers standardise the dataset with this job's statistics,
          so it must be shared raw or have its statistics disclosed.{ownChosen ? ' The dataset chosen is standardised with its owner\'s own statistics, which this model cannot use.' : ''}</p>
      )}
      {datasets?.length === 0 && <p className="muted">The project has no Ready dataset to test on.</p>}
      <ErrorMessage error={error} />
    </section>
  );
}
