import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Dataset, Project } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDate, shortHash } from '../../lib/format';
import { DatasetStatisticsButton } from './DatasetStatisticsButton';
import { UploadDatasetPanel } from './UploadDatasetPanel';

/** The project's datasets: the registry's view (status, halves received, digests) and, for contributors, the upload panel. */
export function DatasetsTab({ project }: { project: Project }) {
  const [datasets, setDatasets] = useState<Dataset[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => api.datasets(project.id).then(setDatasets, setError), [project.id]);
  useEffect(() => { void load(); }, [load]);
  const canUpload = project.role === 'Owner' || project.role === 'Contributor';

  return (
    <>
      <h2 className="visually-hidden">Datasets</h2>
      <ErrorMessage error={error} />
      {datasets && datasets.length === 0 && <p className="muted">No datasets yet.</p>}
      {datasets && datasets.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <thead><tr><th scope="col">Name</th><th scope="col">Purpose</th><th scope="col">Images</th><th scope="col">Status</th><th scope="col">Halves</th><th scope="col">Registered</th></tr></thead>
            <tbody>
              {datasets.map(d => (
                <tr key={d.id}>
                  <td>{d.name}<div className="muted small"><code>{d.id}</code></div><DatasetStatisticsButton datasetId={d.id} name={d.name} /></td>
                  <td>{d.purpose}</td>
                  <td>{d.count}</td>
                  <td><StatusBadge value={d.status} />{d.rejectionReason && <div className="error small">{d.rejectionReason}</div>}</td>
                  <td className="small">
                    party 0 {d.party0Reported ? 'received' : 'waiting'} <code title={d.digest0}>{shortHash(d.digest0, 6)}</code><br />
                    party 1 {d.party1Reported ? 'received' : 'waiting'} <code title={d.digest1}>{shortHash(d.digest1, 6)}</code>
                  </td>
                  <td>{formatDate(d.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canUpload ? <UploadDatasetPanel project={project} onChanged={() => void load()} /> : (
        <p className="hint">Contributors and owners of this project can upload data.</p>
      )}
      <details className="card">
        <summary>Uploading from the command line instead</summary>
        <p>The <code>imguard</code> client shares on your machine the same way and sends each half straight to its server:</p>
        <pre><code>{`imguard dataset upload --project ${project.id} --name NAME --idx IMAGES.idx LABELS.idx`}</code></pre>
      </details>
    </>
  );
}
