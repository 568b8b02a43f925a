import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { ConsentSignerView, Job } from '../../api/types';
import { useSigningKey } from '../../auth/SigningKeyContext';

/** How often an AwaitingApproval job's signatures are re-read (an approval does not change the job's state until the last). */
const POLL_MS = 5000;

/** A job waiting for approvals: who has signed and who has still to, and the way to the approval page. */
export function ApprovalStatus({ job }: { job: Job }) {
  const signing = useSigningKey();
  // The job view's signers at first, then re-read from the terms while the job waits.
  const [signers, setSigners] = useState<ConsentSignerView[] | null>(job.signers ?? null);
  const waiting = job.state === 'AwaitingApproval';
  useEffect(() => {
    if (!waiting) return;
    let live = true;
    const read = () => api.consent(job.id).then(v => { if (live) setSigners(v.signers); }, () => undefined);
    void read();
    const timer = setInterval(() => void read(), POLL_MS);
    return () => { live = false; clearInterval(timer); };
  }, [job.id, waiting]);
  if (!waiting) return null;
  const missing = signers?.filter(s => !s.signed) ?? [];
  return (
    <section aria-labelledby="approvals-title" className="card">
      <h2 id="approvals-title">Waiting for approvals</h2>
      <p>The job runs once every dataset owner and every recipient of the model has signed it with their own key.</p>
      {signers && (
        <ul className="signers" aria-label="Signatures">
          {signers.map(s => (
            <li key={s.fingerprint}>
              {s.signed ? '✓ signed' : '… still to approve'}: {s.holder} <code>{s.fingerprint}</code>
              {s.fingerprint === signing.browserFingerprint && <strong> (you, this browser)</strong>}
            </li>
          ))}
        </ul>
      )}
      {signers && missing.length === 0 && <p className="muted">Every signature is in; the job is about to be queued.</p>}
      <p><Link to={`/jobs/${job.id}/approval`}>What is signed, and approve or decline</Link></p>
    </section>
  );
}

/** The datasets of a job over several owners: each one's owner, key fingerprint and images (counts only, public to participants). */
export function Contributions({ job }: { job: Job }) {
  const rows = job.datasets ?? [];
  const train = rows.filter(r => r.purpose === 'train');
  // One dataset of the creator's own: the facts above say it all.
  if (train.length < 2 && new Set(rows.map(r => r.owner)).size < 2) return null;
  const total = train.reduce((n, r) => n + r.images, 0);
  return (
    <section aria-labelledby="contributions-title">
      <h2 id="contributions-title">Contributions</h2>
      <table className="table">
        <caption className="visually-hidden">Datasets of this job by owner</caption>
        <thead><tr><th scope="col">Dataset</th><th scope="col">Owner</th><th scope="col">Purpose</th><th scope="col">Images</th><th scope="col">Used per epoch</th><th scope="col">Share of the training union</th></tr></thead>
        <tbody>
          {rows.map(r => (
            <tr key={r.datasetId}>
              <td>{r.name} <div className="muted small"><code>{r.datasetId}</code></div></td>
              <td>{r.owner} <div className="muted small">key <code>{r.ownerKeyFingerprint}</code></div></td>
              <td>{r.purpose === 'test' ? 'test' : 'training'}</td>
              <td>{r.images.toLocaleString('en')}</td>
              <td>{r.purpose === 'test' ? '—' : r.imagesPerEpoch.toLocaleString('en')}</td>
              <td>{r.purpose !== 'test' && total > 0 ? `${Math.round((100 * r.images) / total)} %` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
