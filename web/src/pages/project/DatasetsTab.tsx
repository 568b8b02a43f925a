import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Dataset, Project } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDate, shortHash } from '../../lib/format';
import { pendingUploads, settledPending, unfinishedAction, type PendingUpload } from '../../sharing/pendingUploads';
import { useAuth } from '../../auth/AuthContext';
import { DatasetScaling } from './DatasetScaling';
import { DatasetStatisticsButton } from './DatasetStatisticsButton';
import { UploadDatasetPanel, type ResumeRequest } from './UploadDatasetPanel';

/** The project's datasets: the registry's view (status, halves received, digests) and, for contributors, the upload panel. */
export function DatasetsTab({ project }: { project: Project }) {
  const [datasets, setDatasets] = useState<Dataset[] | null>(null);
  const [pending, setPending] = useState<Map<string, PendingUpload>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<{ id: string; error: unknown } | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState<string | null>(null);
  const [resume, setResume] = useState<ResumeRequest | null>(null);
  const [active, setActive] = useState<string | null>(null);
  const { user } = useAuth();
  const load = useCallback(async () => {
    let list: Dataset[];
    try {
      list = await api.datasets(project.id);
      setDatasets(list);
    } catch (e) {
      setError(e);
      return;
    }
    // Halves this browser keeps for unfinished uploads; those whose dataset settled (or went) are dropped here.
    const kept = await pendingUploads.list(project.id).catch(() => [] as PendingUpload[]);
    const done = settledPending(kept, list);
    await Promise.all(done.map(p => pendingUploads.delete(p.datasetId).catch(() => undefined)));
    setPending(new Map(kept.filter(p => !done.includes(p)).map(p => [p.datasetId, p])));
  }, [project.id]);
  useEffect(() => { void load(); }, [load]);
  const canUpload = project.role === 'Owner' || project.role === 'Contributor';
  const canDelete = project.role === 'Owner';
  const onActive = useCallback((id: string | null) => setActive(id), []);

  async function remove(dataset: Dataset) {
    setRowError(null);
    setConfirmingDelete(null);
    try {
      await api.deleteDataset(dataset.id);
      await pendingUploads.delete(dataset.id).catch(() => undefined);
    } catch (e) {
      setRowError({ id: dataset.id, error: e });
    }
    await load();
  }

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
              {datasets.map(d => {
                const unfinished = unfinishedAction(d, pending.get(d.id), { canUpload, canDelete }, active);
                return (
                  <tr key={d.id}>
                    <td>{d.name}<div className="muted small"><code>{d.id}</code></div>
                      {(d.owner || d.ownerKeyFingerprint) && (
                        <div className="muted small">{d.owner ? `by ${d.owner}` : ''}{d.ownerKeyFingerprint ? <>{d.owner ? ' · ' : ''}key <code>{d.ownerKeyFingerprint}</code></> : ''}</div>
                      )}
                      <DatasetScaling dataset={d} user={user} onChanged={() => void load()} />
                      <DatasetStatisticsButton datasetId={d.id} name={d.name} /></td>
                    <td>{d.purpose}</td>
                    <td>{d.count}</td>
                    <td>
                      <StatusBadge value={d.status} />{d.rejectionReason && <div className="error small">{d.rejectionReason}</div>}
                      {unfinished && (
                        <div className="small unfinished">
                          {unfinished.kind === 'uploading' && <span className="muted">In the upload form below.</span>}
                          {unfinished.kind === 'resume' && (
                            <>
                              <span>Upload interrupted{unfinished.stored === 1 ? ' (one half sent)' : ''}; this browser kept the halves.</span>
                              <span className="actions">
                                <button type="button" className="primary"
                                  onClick={() => setResume({ pending: pending.get(d.id)!, nonce: Date.now() })}>
                                  Resume upload<span className="visually-hidden"> of {d.name}</span>
                                </button>
                              </span>
                            </>
                          )}
                          {unfinished.kind === 'elsewhere' && (
                            <span className="muted">Upload not finished. Its halves are not in this browser: finish it where it started{unfinished.canDelete ? ', or delete it and upload again' : ''}.</span>
                          )}
                          {unfinished.kind !== 'uploading' && unfinished.canDelete && (
                            confirmingDelete === d.id ? (
                              <span className="actions" role="group" aria-label={`Delete ${d.name}`}>
                                <span>Delete {d.name}? Both servers drop what they received of it.</span>
                                <button type="button" className="danger" onClick={() => void remove(d)}>Delete now<span className="visually-hidden"> {d.name}</span></button>
                                <button type="button" onClick={() => setConfirmingDelete(null)}>Cancel</button>
                              </span>
                            ) : (
                              <span className="actions">
                                <button type="button" className="danger" onClick={() => setConfirmingDelete(d.id)}>
                                  Delete<span className="visually-hidden"> {d.name}</span>
                                </button>
                              </span>
                            )
                          )}
                          {rowError?.id === d.id && <ErrorMessage error={rowError.error} />}
                        </div>
                      )}
                    </td>
                    <td className="small">
                      party 0 {d.party0Reported ? 'received' : 'waiting'} <code title={d.digest0}>{shortHash(d.digest0, 6)}</code><br />
                      party 1 {d.party1Reported ? 'received' : 'waiting'} <code title={d.digest1}>{shortHash(d.digest1, 6)}</code>
                    </td>
                    <td>{formatDate(d.createdAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {canUpload ? <UploadDatasetPanel project={project} onChanged={() => void load()} resume={resume} onActive={onActive} /> : (
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
