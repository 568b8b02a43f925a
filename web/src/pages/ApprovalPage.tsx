import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { ConsentTermsView } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useSigningKey } from '../auth/SigningKeyContext';
import { ErrorMessage } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { ApprovalRefused, checkApproval, isThisBrowser, signApproval, type CheckedApproval } from '../lib/consent/approval';
import { useFingerprints } from '../lib/consent/useFingerprints';
import { describeModelSpec, parameterLabel, parameterValue } from '../lib/consent/terms';
import { formatDate, plural } from '../lib/format';
import { isStandardizationParameter, signedStandardization } from '../lib/scaling';

/**
 * One job's approval: everything its owners and recipients sign, in plain words, then Approve (terms rebuilt and
 * digested in this browser, signed with this browser's key), Decline (with a reason) or Withdraw (before training).
 */
export function ApprovalPage() {
  const { id = '' } = useParams();
  const { user } = useAuth();
  const signing = useSigningKey();
  const [view, setView] = useState<ConsentTermsView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [check, setCheck] = useState<{ ok: CheckedApproval } | { refused: string } | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');

  const load = useCallback(() => api.consent(id).then(v => { setView(v); setError(null); }, setError), [id]);
  useEffect(() => { void load(); }, [load]);

  const browserKey = signing.browserKey?.publicKey;
  // Whether this browser could sign, said before the owner presses anything.
  useEffect(() => {
    setCheck(null);
    if (!view || !browserKey || !user) return;
    let live = true;
    checkApproval(view, browserKey, user.userName).then(
      ok => { if (live) setCheck({ ok }); },
      (e: unknown) => { if (live) setCheck({ refused: e instanceof Error ? e.message : String(e) }); });
    return () => { live = false; };
  }, [view, browserKey, user]);

  const fingerprints = useFingerprints(view ? [...view.datasets.map(d => d.ownerKey), ...view.recipients.map(r => r.key)] : []);
  const mySigner = view && signing.browserFingerprint ? view.signers.find(s => s.fingerprint === signing.browserFingerprint) : undefined;

  async function act(what: () => Promise<unknown>, message: string) {
    setBusy(true);
    setActionError(null);
    setDone(null);
    try {
      await what();
      setDone(message);
      setDeclining(false);
      await load();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }

  async function approve() {
    if (!view || !user) return;
    const key = signing.browserKey;
    if (!key) throw new ApprovalRefused('This browser has no signing key for you (it keeps none in a private window): approve with `imguard job approve`.');
    // Checked again at the click, on the view as shown now: the digest is computed here, never taken from the platform.
    const checked = await checkApproval(view, key.publicKey, user.userName);
    await api.approveJob(view.jobId, await signApproval(checked, key));
  }

  function decline(event: FormEvent) {
    event.preventDefault();
    void act(() => api.declineJob(id, reason.trim()), 'You declined this job; it will not run.');
  }

  if (!user) return null;
  const awaiting = view?.state === 'AwaitingApproval';
  const withdrawable = !!mySigner?.signed && (view?.state === 'AwaitingApproval' || view?.state === 'Queued');
  const train = view?.datasets.filter(d => d.purpose === 'train') ?? [];
  const test = view?.datasets.filter(d => d.purpose === 'test') ?? [];
  const images = train.reduce((n, d) => n + d.images, 0);
  const standardization = view ? signedStandardization(view.parameters) : undefined;
  const datasetName = (id: string) => view?.datasets.find(d => d.datasetId === id)?.name ?? id;

  return (
    <div className="approval">
      <p className="breadcrumb"><Link to="/approvals">Approvals</Link> / <Link to={`/jobs/${id}`}><code>{id}</code></Link></p>
      <h1>Approve job <code>{id}</code></h1>
      <ErrorMessage error={error} />
      {view && (
        <>
          <p><StatusBadge value={view.state} /> Everything below is what your signature approves; a job changed in any of it needs new signatures.</p>

          <section aria-labelledby="approval-datasets">
            <h2 id="approval-datasets">Data</h2>
            <p>{plural(train.length, 'training dataset')} with {plural(images, 'image')} in all{test.length > 0 ? `, and ${plural(test.length, 'test set')}` : ''}.
              The servers train on the union of the training datasets; no owner's images are shown to anyone.</p>
            <table className="table">
              <caption className="visually-hidden">Datasets of the job</caption>
              <thead><tr><th scope="col">Dataset</th><th scope="col">Purpose</th><th scope="col">Owner</th><th scope="col">Images</th><th scope="col">Owner's key</th></tr></thead>
              <tbody>
                {view.datasets.map(d => (
                  <tr key={d.datasetId}>
                    <td>{d.name} <div className="muted small"><code>{d.datasetId}</code></div></td>
                    <td>{d.purpose === 'train' ? 'training' : 'test'}</td>
                    <td>{d.owner}</td>
                    <td>{d.images.toLocaleString('en')}</td>
                    <td><KeyCell keyBase64={d.ownerKey} fingerprint={fingerprints[d.ownerKey]} browserKey={browserKey} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          {standardization && (
            <section aria-labelledby="approval-standardization">
              <h2 id="approval-standardization">Standardisation</h2>
              <p data-testid="approval-standardization-summary">{standardization.summary}</p>
              <ul>
                {standardization.datasets.map(d => (
                  <li key={d.datasetId}>{datasetName(d.datasetId)} (<code>{d.datasetId}</code>): {d.words}</li>
                ))}
              </ul>
            </section>
          )}

          <section aria-labelledby="approval-model">
            <h2 id="approval-model">Model</h2>
            <p>{describeModelSpec(view.modelSpecJson)}</p>
            <details><summary>The exact model spec signed</summary><pre><code>{view.modelSpecJson}</code></pre></details>
          </section>

          <section aria-labelledby="approval-settings">
            <h2 id="approval-settings">Settings</h2>
            <dl className="facts">
              {view.parameters.filter(p => !isStandardizationParameter(p.name)).map(p => <div key={p.name}><dt>{parameterLabel(p.name)}</dt><dd>{parameterValue(p)}</dd></div>)}
            </dl>
          </section>

          <section aria-labelledby="approval-hiding">
            <h2 id="approval-hiding">Hiding</h2>
            <p>{view.hidingSummary}</p>
          </section>

          <section aria-labelledby="approval-recipients">
            <h2 id="approval-recipients">Who receives the model</h2>
            <p>Only these users can collect both halves of the trained model (each party releases its half only to a request signed by one of these keys).</p>
            <ul>
              {view.recipients.map(r => (
                <li key={r.user}>{r.user}: <KeyCell keyBase64={r.key} fingerprint={fingerprints[r.key]} browserKey={browserKey} /></li>
              ))}
            </ul>
          </section>

          <section aria-labelledby="approval-signers">
            <h2 id="approval-signers">Signatures</h2>
            <ul className="signers">
              {view.signers.map(s => (
                <li key={s.fingerprint}>
                  {s.signed ? '✓ signed' : '… not yet'}: {s.holder} <code>{s.fingerprint}</code>
                  {s.fingerprint === signing.browserFingerprint && <strong> (you, this browser)</strong>}
                  {s.signed && s.signedAt && <span className="muted small"> {formatDate(s.signedAt)}</span>}
                </li>
              ))}
            </ul>
            <p className="small muted">Names are the platform's; keys are not. Compare a fingerprint with its owner by another channel when in doubt.</p>
          </section>

          <section aria-labelledby="approval-decision" className="card">
            <h2 id="approval-decision">Your decision</h2>
            {check && 'ok' in check && <p>This browser signs as {check.ok.signsAs} (key <code>{signing.browserFingerprint}</code>).</p>}
            {check && 'refused' in check && <p className="notice" data-testid="approval-refusal">{check.refused}</p>}
            {!signing.browserKey && <p className="notice">This browser keeps no signing key for you; approve with <code>imguard job approve</code>.</p>}
            <div className="buttons">
              {awaiting && !mySigner?.signed && (
                <button type="button" className="primary" disabled={busy} onClick={() => void act(approve, 'Approved: your signature is stored.')}>Approve</button>
              )}
              {awaiting && <button type="button" className="danger" disabled={busy} onClick={() => setDeclining(d => !d)}>Decline…</button>}
              {withdrawable && (
                <button type="button" disabled={busy} onClick={() => void act(() => api.withdrawApproval(id), 'Your approval is withdrawn; the job waits again.')}>Withdraw my approval</button>
              )}
            </div>
            {declining && (
              <form onSubmit={decline} className="form-grid">
                <div className="field wide">
                  <label htmlFor="decline-reason">Reason <span className="muted">(optional, shown to the job's participants)</span></label>
                  <textarea id="decline-reason" maxLength={500} rows={3} value={reason} onChange={e => setReason(e.target.value)} />
                </div>
                <div className="wide"><button type="submit" className="danger" disabled={busy}>Decline this job</button></div>
              </form>
            )}
            {done && <p role="status">{done}</p>}
            <ErrorMessage error={actionError} />
            {!awaiting && !withdrawable && <p className="muted">This job is {view.state}: nothing is left to decide.</p>}
          </section>
          <p className="small muted">Digest of these terms: <code>{check && 'ok' in check ? toHex(check.ok.digest) : view.digest}</code>{check && 'ok' in check ? ' (computed in this browser; the platform states the same)' : ' (as the platform states it)'}</p>
        </>
      )}
    </div>
  );
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** A key's short fingerprint, marked where it is this browser's key. */
function KeyCell({ keyBase64, fingerprint, browserKey }: { keyBase64: string; fingerprint: string | undefined; browserKey: Uint8Array | undefined }) {
  return (
    <>
      <code>{fingerprint ?? '…'}</code>
      {isThisBrowser(keyBase64, browserKey) && <strong> you (this browser)</strong>}
    </>
  );
}
