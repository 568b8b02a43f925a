import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { PrivacyReport } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDate, formatNumber } from '../lib/format';
import { formatPsnr } from '../lib/privacy';

const ROW_LABELS: Record<string, string> = {
  raw: 'No hiding',
  mixup: 'Mixup',
  instahide: 'InstaHide',
  instahide_abs: 'InstaHide, attacker takes |x|',
};

/**
 * What one training example's gradient gives away, measured by the platform on PUBLIC Fashion-MNIST test images (never
 * on users' data): the analytic inversion of a first linear layer under no hiding, mixup and InstaHide.
 */
export function PrivacyReportPage() {
  const [report, setReport] = useState<PrivacyReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => { api.privacyReport().then(setReport, setError); }, []);

  return (
    <>
      <h1>Privacy report</h1>
      <p className="notice" role="note"><strong>On public Fashion-MNIST images, not your data.</strong> The platform has none of your images; this report attacks public test images to show what each hiding mode protects against.</p>
      <section aria-labelledby="attack-title" className="card">
        <h2 id="attack-title">The attack</h2>
        <p>
          The compute servers never see an image: they train on secret shares. This report asks a different question:
          if someone obtained <em>the gradient of one training example</em> (for example the owner, or anyone given the
          model updates), how much of the image could they recover?
        </p>
        <p>
          For a network whose first layer is linear, <code>y = W·x + b</code>, the gradient of the loss is
          <code> ∂L/∂W[r, :] = (∂L/∂y<sub>r</sub>) · x</code> and <code>∂L/∂b<sub>r</sub> = ∂L/∂y<sub>r</sub></code>, so
          dividing one row of the weight gradient by the matching bias gradient returns <code>x</code> exactly — the
          image the first layer saw. No optimisation or guessing is needed. Without hiding that is the training image;
          with mixup or InstaHide it is the encoded mixture, which the table scores against the original
          (PSNR in dB, higher = closer, above 100 dB only rounding separates it from the original; SSIM from 0 to 1, 1 = identical).
        </p>
      </section>
      <ErrorMessage error={error} />
      {!report && !error && <p className="muted" role="status">Computing the report (a few seconds the first time)…</p>}
      {report && (
        <>
          <section aria-labelledby="results-title" className="card">
            <h2 id="results-title">Results</h2>
            <p className="muted small">Data: {report.data}. k = {report.k} images per encoding. Generated {formatDate(report.generatedAt)}.</p>
            <div className="table-scroll">
              <table className="table">
                <caption className="visually-hidden">Recovery quality by hiding mode</caption>
                <thead>
                  <tr><th scope="col">Gradients of</th><th scope="col">Mean PSNR</th><th scope="col">Mean SSIM</th><th scope="col">PSNR per image</th></tr>
                </thead>
                <tbody>
                  {report.rows.map(r => (
                    <tr key={r.name}>
                      <th scope="row">{ROW_LABELS[r.name] ?? r.name}<div className="muted small">{r.description}</div></th>
                      <td>{formatPsnr(r.meanPsnr)}</td>
                      <td>{formatNumber(r.meanSsim, 3)}</td>
                      <td className="small">{r.psnr.map(formatPsnr).join(' · ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="error" role="note"><strong>Do not over-trust InstaHide.</strong> {report.warning}</p>
          </section>
          <section aria-labelledby="images-title" className="card">
            <h2 id="images-title">The images side by side</h2>
            <figure className="privacy-figure">
              <img src={`data:image/png;base64,${report.png}`} alt={`Public Fashion-MNIST test images and what the attack recovers from their gradients; ${report.pngLayout}.`} />
              <figcaption className="hint">Columns: original · recovered without hiding · recovered under mixup · recovered under InstaHide · |recovered under InstaHide| · |original| (what the last column is compared with). One row per image.</figcaption>
            </figure>
          </section>
        </>
      )}
    </>
  );
}
