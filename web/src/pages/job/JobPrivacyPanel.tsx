import { useState } from 'react';
import { api } from '../../api/client';
import type { Job, JobPrivacyReport } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatNumber } from '../../lib/format';
import { formatPsnr, jobRowLabel } from '../../lib/privacy';

/**
 * "Privacy of this run" (issue 17, item 9): the gradient-inversion attack for this job's exact model and hiding settings,
 * measured by the platform on PUBLIC Fashion-MNIST images (never anyone's data), asked for on demand because the first
 * measurement of a setting takes a few seconds. The owner's own images are attacked only on their own machine (the CLI).
 */
export function JobPrivacyPanel({ job }: { job: Job }) {
  const [report, setReport] = useState<JobPrivacyReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function measure() {
    setBusy(true);
    setError(null);
    try {
      setReport(await api.jobPrivacyReport(job.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="run-privacy-title" className="card">
      <h2 id="run-privacy-title">Privacy of this run</h2>
      <p className="muted small">
        How much of a training image one example's gradient gives away with this job's model and hiding settings,
        measured on public Fashion-MNIST images, not your data. To attack your own images with the same settings, on your
        machine only: <code>imguard privacy-report --job {job.id} --images DIR</code>.
      </p>
      {!report && (
        <button type="button" disabled={busy} onClick={() => void measure()}>
          {busy ? 'Measuring…' : 'Measure for this job'}
        </button>
      )}
      <ErrorMessage error={error} />
      {report && (
        <>
          <p className="small">Data: {report.report.data}.</p>
          <div className="table-scroll">
            <table className="table">
              <caption className="visually-hidden">Recovery quality for this job's settings</caption>
              <thead>
                <tr><th scope="col">Gradients of</th><th scope="col">Mean PSNR</th><th scope="col">Mean SSIM</th></tr>
              </thead>
              <tbody>
                {report.report.rows.map(r => (
                  <tr key={r.name} aria-current={r.name === report.row ? 'true' : undefined} className={r.name === report.row ? 'current' : undefined}>
                    <th scope="row">{jobRowLabel(r.name, report.row)}<div className="muted small">{r.description}</div></th>
                    <td>{formatPsnr(r.meanPsnr)}</td>
                    <td>{formatNumber(r.meanSsim, 3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="error" role="note"><strong>Do not over-trust InstaHide.</strong> {report.report.warning}</p>
          <figure className="privacy-figure">
            <img src={`data:image/png;base64,${report.report.png}`} alt={`Public Fashion-MNIST test images and what the attack recovers from their gradients under this job's settings; ${report.report.pngLayout}.`} />
            <figcaption className="hint">{report.report.pngLayout}.</figcaption>
          </figure>
        </>
      )}
    </section>
  );
}
