import { useState } from 'react';
import type { Job } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { downloadModel, modelExportOptions, type GrantCache, type ModelHandOff } from '../../lib/model/handOff';
import { parametersJson } from '../../lib/model/modelShare';
import { sizeOf } from '../../lib/model/modelSpec';
import { exportOnnx, initializerNames } from '../../lib/model/onnx';
import { api } from '../../api/client';
import { saveFile } from '../../lib/saveFile';

/**
 * A succeeded job's model for its owner: both parties' shares fetched straight from the parties with platform grants,
 * checked and combined in this browser, then saved to the owner's disk as ONNX (byte-identical to `imguard model
 * download --onnx`) or as parameters JSON. The reconstructed weights go nowhere else. When this browser's owner vault
 * holds the training set's standardisation, the ONNX starts with it (input: raw pixels 0–255) and names the classes;
 * a job standardised over the union starts it with the statistics the job opened instead (modelExportOptions).
 */
export function ModelPanel({ job, grants }: { job: Job; grants: GrantCache }) {
  const [handOff, setHandOff] = useState<ModelHandOff | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      setHandOff(await downloadModel(api, grants, job.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function saveOnnx() {
    if (!handOff) return;
    try {
      saveFile(exportOnnx(handOff.model.spec, handOff.model.parameters, undefined, exportOptions), `${job.id}.onnx`, 'application/octet-stream');
    } catch (e) {
      setError(e);
    }
  }

  function saveJson() {
    if (!handOff) return;
    saveFile(parametersJson(handOff.model, initializerNames(handOff.model.spec)), `${job.id}.parameters.json`, 'application/json');
  }

  const model = handOff?.model;
  const chosen = model ? modelExportOptions(model.spec, job) : undefined;
  const exportOptions = chosen?.options;
  const union = job.standardization?.mode === 'union';
  const names = model ? initializerNames(model.spec) : [];
  const total = model ? model.parameters.reduce((sum, p) => sum + p.data.length, 0) : 0;
  return (
    <section aria-labelledby="model-title" className="card">
      <h2 id="model-title">Model</h2>
      <p>
        The trained model is still split between the two compute servers. <strong>Download model</strong> fetches each
        server's share straight from it (the platform only signs a short-lived permission), checks both files and
        combines them <em>in this browser</em>. The weights are never sent anywhere; saving writes a file to your disk.
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void download()} disabled={busy}>
          {busy ? 'Downloading…' : model ? 'Download model again' : 'Download model'}
        </button>
        {model && (
          <>
            <button type="button" onClick={saveOnnx}>Save as ONNX</button>
            <button type="button" onClick={saveJson}>Save parameters (JSON)</button>
          </>
        )}
      </div>
      <div aria-live="polite">
        {busy && <p className="muted">Fetching both shares and reconstructing…</p>}
        {model && handOff && !busy && (
          <p role="status">
            Reconstructed in this browser: {total.toLocaleString('en')} parameters in {model.parameters.length} tensors,
            trained for {model.epochsCompleted} epoch{model.epochsCompleted === 1 ? '' : 's'}
            {' '}(shares of {handOff.bytes[0].toLocaleString('en')} and {handOff.bytes[1].toLocaleString('en')} bytes, checksums verified).
          </p>
        )}
        {model && !busy && (exportOptions ? (
          <p className="small" data-testid="onnx-standardization">
            {chosen?.source === 'job'
              ? <>The ONNX takes raw pixel values 0–255: it starts with the standardisation over the union that the servers opened for this job</>
              : <>The ONNX takes raw pixel values 0–255: it starts with the training set's standardisation, kept in this browser</>}
            {exportOptions.classNames ? ', and its metadata names the classes' : ''}.
          </p>
        ) : union ? (
          <p className="small" data-testid="onnx-standardization">
            The job's statistics over the union are not recorded yet, so the ONNX takes standardised input, (pixel/255 − mean)/std per
            channel with the union's mean and deviation.
          </p>
        ) : (
          <p className="small">
            This browser does not hold the training set's statistics (it was shared elsewhere), so the ONNX takes
            standardised input, (pixel/255 − mean)/std per channel, as in training. To build them in, save the model from
            the browser that shared <code>{job.trainDatasetId}</code>, or run <code>imguard model download --job {job.id} --onnx
            model.onnx --standardization FILE</code> with the statistics downloaded from its dataset list.
          </p>
        ))}
      </div>
      <ErrorMessage error={error} />
      {model && (
        <details>
          <summary>Parameters</summary>
          <table className="table">
            <thead><tr><th scope="col">Name</th><th scope="col">Shape</th><th scope="col">Values</th></tr></thead>
            <tbody>
              {model.parameters.map((p, i) => (
                <tr key={names[i]}><td><code>{names[i]}</code></td><td>{p.shape.join(' × ')}</td><td>{sizeOf(p.shape).toLocaleString('en')}</td></tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
