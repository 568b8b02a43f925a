import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { Job } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { SigningKeyNotice } from '../components/SigningKeyNotice';
import { formatDate } from '../lib/format';

/** The approvals inbox: training jobs waiting for a signature by one of the user's keys (GET /api/me/approvals). */
export function ApprovalsPage() {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => { api.approvals().then(setJobs, setError); }, []);
  return (
    <>
      <h1>Approvals</h1>
      <p>
        A training job uses a dataset only with its owner's signature, made with the owner's own key, over everything the
        job will do; each compute server checks the signatures itself before it loads a dataset. These jobs wait for yours.
      </p>
      <SigningKeyNotice />
      <ErrorMessage error={error} />
      {jobs && jobs.length === 0 && <p className="muted">Nothing waits for your approval.</p>}
      {jobs && jobs.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Jobs waiting for your approval</caption>
          <thead><tr><th scope="col">Job</th><th scope="col">Model</th><th scope="col">Training datasets</th><th scope="col">Requested</th><th scope="col"><span className="visually-hidden">Review</span></th></tr></thead>
          <tbody>
            {jobs.map(j => (
              <tr key={j.id}>
                <td><code>{j.id}</code></td>
                <td>{typeof j.model === 'string' ? j.model : 'custom spec'}</td>
                <td>{trainingDatasets(j).map(d => <div key={d.datasetId}>{d.name ? `${d.name} ` : ''}<code>{d.datasetId}</code>{d.owner ? `, ${d.owner}` : ''}</div>)}</td>
                <td>{formatDate(j.createdAt)}</td>
                <td><Link to={`/jobs/${j.id}/approval`}>Review<span className="visually-hidden"> {j.id}</span></Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** The job's training datasets with their owners (the first alone for a job whose view lists none). */
export function trainingDatasets(job: Job): { datasetId: string; name?: string; owner?: string }[] {
  const listed = job.datasets?.filter(d => d.purpose === 'train') ?? [];
  return listed.length > 0 ? listed : [{ datasetId: job.trainDatasetId }];
}
