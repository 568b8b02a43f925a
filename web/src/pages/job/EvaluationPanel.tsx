import { useState, type ChangeEvent } from 'react';
import { api } from '../../api/client';
import type { Job } from '../../api/types';
import { ConfusionMatrix } from '../../components/ConfusionMatrix';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatPercent, plural } from '../../lib/format';
import { confusionMatrix, parseLabelsFile } from '../../lib/model/evaluation';
import { downloadEvaluation, type EvaluationHandOff, type GrantCache } from '../../lib/model/handOff';
import { loadOwnerDataset } from '../../lib/ownerVault';

/**
 * The job's test evaluation for its owner: both parties' evaluation shares combined in this browser into the
 * accuracy; with the test set's true labels (kept in this browser's owner vault when the test set was shared here,
 * or imported from a file) also the confusion matrix. The servers computed the predictions on shares and never saw
 * a label or a prediction.
 */
export function EvaluationPanel({ job, grants, only = false }: {
  job: Job;
  grants: GrantCache;
  /** For a test set's owner who does not receive the model: the evaluation alone (as `imguard model evaluation`). */
  only?: boolean;
}) {
  // A training job is evaluated on its test set; a model-testing (inference) job on the dataset it was started on.
  const testId = job.modelFromJobId ? job.trainDatasetId : job.testDatasetId;
  const [evaluation, setEvaluation] = useState<EvaluationHandOff | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [imported, setImported] = useState<number[] | null>(null);
  const [importError, setImportError] = useState<unknown>(null);
  const record = testId ? loadOwnerDataset(testId) : undefined;
  const labels = imported ?? record?.labels ?? null;

  if (!testId) {
    return (
      <section aria-labelledby="evaluation-title" className="card">
        <h2 id="evaluation-title">Test evaluation</h2>
        <p className="muted">This job had no test set, so there is no evaluation to show.</p>
      </section>
    );
  }

  async function show() {
    setBusy(true);
    setError(null);
    try {
      setEvaluation(await downloadEvaluation(api, grants, job.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function importLabels(event: ChangeEvent<HTMLInputElement>) {
    setImportError(null);
    const file = event.target.files?.[0];
    if (!file) return;
    try {
      setImported(parseLabelsFile(await file.text()));
    } catch (e) {
      setImportError(e);
    }
  }

  let matrix: number[][] | null = null;
  let matrixError: unknown = null;
  if (evaluation && labels) {
    try {
      matrix = confusionMatrix(labels, evaluation.result.predicted, evaluation.classes);
    } catch (e) {
      matrixError = e;
    }
  }

  return (
    <section aria-labelledby="evaluation-title" className="card">
      <h2 id="evaluation-title">Test evaluation</h2>
      <p>
        The servers ran the model on the shared test set <code>{testId}</code> without learning the predictions;
        each holds a random-looking half. <strong>Show test evaluation</strong> combines the halves here.
      </p>
      {only && (
        <p data-testid="evaluation-only">
          You own this test set but do not receive the model: this fetches only the two evaluation shares, each request
          signed with your key kept in this browser (each server releases them to the test set owner's key alone), and
          the model is not fetched. Only this browser learns the accuracy.
        </p>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={() => void show()} disabled={busy}>
          {busy ? 'Fetching…' : evaluation ? 'Refresh test evaluation' : 'Show test evaluation'}
        </button>
      </div>
      <ErrorMessage error={error} />
      {evaluation && (
        <>
          <p role="status">
            <span className="accuracy" aria-label={`Test accuracy ${formatPercent(evaluation.result.accuracy)}`}>
              {formatPercent(evaluation.result.accuracy)}
            </span>{' '}
            test accuracy: {evaluation.result.correct} of {plural(evaluation.result.count, 'test image')} classified correctly.
          </p>
          {matrix && <ConfusionMatrix matrix={matrix} classNames={record?.classNames} />}
          <ErrorMessage error={matrixError} />
          {!labels && (
            <div className="notice">
              <p>
                The confusion matrix needs the test set's true labels, which only you hold. They are kept in this
                browser when the test set is shared from here; this test set was not (or this browser's storage was
                cleared). You can import them from a file instead: a JSON array of class indices in upload order,
                <code>{'{"labels": […]}'}</code>, or one index per line. The file is read here and not uploaded.
              </p>
              <label htmlFor="labels-file">Import true labels</label>{' '}
              <input id="labels-file" type="file" accept=".json,.txt,application/json,text/plain" onChange={e => void importLabels(e)} />
              <ErrorMessage error={importError} />
            </div>
          )}
        </>
      )}
    </section>
  );
}
