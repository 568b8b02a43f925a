import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import type { Dataset, HidingMode, Job, JobEstimate, LearningRateSchedule, Member, NewJob, Project } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { useSigningKey } from '../../auth/SigningKeyContext';
import { approveOwnJob } from '../../lib/consent/selfApprove';
import { ErrorMessage } from '../../components/ErrorMessage';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDuration, formatBytes, summarizeEstimate } from '../../lib/estimate';
import { describeJob, formatDate, formatPercent, isFinal, jobFraction } from '../../lib/format';
import { JOB_DEFAULTS } from '../../lib/jobDefaults';
import { jobProblems, jobRequestError, newestTestSet } from '../../lib/jobValidation';
import { buildJobRequest, type JobFormValues, MAX_TEST_ENCODINGS, MAX_TEST_OWN_COEFFICIENT, testEncodingsAllowed } from '../../lib/jobRequest';
import { parseModelSpec, presetSpec } from '../../lib/model/modelSpec';
import { NumberField } from '../ProjectsPage';
import { ExpectedAccuracy } from './ExpectedAccuracy';
import { StandardizationPreview } from './StandardizationPreview';
import { scalingLabel } from '../../lib/scaling';

/** The project's training jobs: the list (owners may cancel) and, for owners, the form that estimates and starts one. */
export function JobsTab({ project, isOwner }: { project: Project; isOwner: boolean }) {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [datasets, setDatasets] = useState<Dataset[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<{ id: string; error: unknown } | null>(null);

  const load = useCallback(() => Promise.all([
    api.jobs(project.id).then(setJobs, setError),
    api.datasets(project.id).then(setDatasets, setError),
  ]), [project.id]);
  useEffect(() => { void load(); }, [load]);

  async function cancel(job: Job) {
    setRowError(null);
    try {
      await api.cancelJob(job.id);
    } catch (e) {
      setRowError({ id: job.id, error: e });
    }
    await load();
  }

  return (
    <>
      <h2 className="visually-hidden">Jobs</h2>
      <ErrorMessage error={error} />
      {jobs && jobs.length === 0 && <p className="muted">No training jobs yet.</p>}
      {jobs && jobs.length > 0 && (
        <table className="table">
          <thead><tr><th scope="col">Job</th><th scope="col">State</th><th scope="col">Progress</th><th scope="col">Created</th>{isOwner && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr></thead>
          <tbody>
            {jobs.map(j => (
              <tr key={j.id}>
                <td><Link to={`/jobs/${j.id}`}><code>{j.id}</code></Link><div className="muted small">{describeJob(j)}</div></td>
                <td><StatusBadge value={j.state} /></td>
                <td><progress max={1} value={jobFraction(j)} aria-label={`Progress of ${j.id}`} /> {formatPercent(jobFraction(j))}</td>
                <td>{formatDate(j.createdAt)}</td>
                {isOwner && (
                  <td>
                    {!isFinal(j.state) && !j.cancelRequested && <button type="button" className="danger" onClick={() => void cancel(j)}>Cancel<span className="visually-hidden"> {j.id}</span></button>}
                    {rowError?.id === j.id && <ErrorMessage error={rowError.error} />}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isOwner && <StartJobForm project={project} datasets={datasets} onStarted={() => void load()} />}
    </>
  );
}

const HIDING_HELP = 'Hiding encodes every training image before the servers train on it, on the shares: the servers never see an image either way, but whoever later holds the trained weights or a model update could try to invert it into a training image. Larger k hides better but blurs what the network sees, which costs accuracy and usually needs more epochs. The default, Mixup with k = 2, stays within a few points of training without hiding.';

const HIDING_MODES: { mode: HidingMode; label: string; help: string }[] = [
  {
    mode: 'off', label: 'Off',
    help: 'Trains on the images as they are: the best accuracy. A gradient of a first layer can be inverted into the exact training image (see the privacy report), so only the secret sharing protects the data.',
  },
  {
    mode: 'mixup', label: 'Mixup',
    help: 'Blends each image with k − 1 others using secret weights (labels blended the same way). A reconstructed image is a mixture of several pictures. With k = 2 the model comes within a few points of training without hiding; a larger k costs more.',
  },
  {
    mode: 'instahide', label: 'InstaHide',
    help: 'Mixup plus a secret random sign flip of every pixel. Taking |x| removes the flip, and Carlini et al. (2021) recovered recognisable InstaHide training images, so treat it as making inversion harder, not as a guarantee. The presets therefore start with |x|: it hides nothing less, and without it the model stays near chance. Even so InstaHide costs far more accuracy than Mixup: the mlp on 4,096 Fashion-MNIST images reaches about 46 % (k = 4) or 54 % (k = 2) after 5 epochs, against 79 % with Mixup k = 2 and 81 % without hiding (docs/accuracy.md). The figure for these settings is shown under Expected accuracy.',
  },
];

type ModelChoice = 'mlp' | 'cnn' | 'custom';

export function StartJobForm({ project, datasets, onStarted }: { project: Project; datasets: Dataset[]; onStarted: () => void }) {
  const ready = datasets.filter(d => d.status === 'Ready');
  const train = ready.filter(d => d.purpose === 'Train');
  const test = ready.filter(d => d.purpose === 'Test');
  const input: [number, number, number] = [project.channels, project.height, project.width];
  const [model, setModel] = useState<ModelChoice>(JOB_DEFAULTS.model);
  const [specText, setSpecText] = useState(() => JSON.stringify(presetSpec(JOB_DEFAULTS.model, input, project.classes, JOB_DEFAULTS.hiding), null, 2));
  const [trainId, setTrainId] = useState('');
  // null until the owner picks: then the newest Ready test set (none picked is '').
  const [testId, setTestId] = useState<string | null>(null);
  const [epochs, setEpochs] = useState(JOB_DEFAULTS.epochs);
  const [batchSize, setBatchSize] = useState(JOB_DEFAULTS.batchSize);
  const [learningRate, setLearningRate] = useState(JOB_DEFAULTS.learningRate);
  const [momentum, setMomentum] = useState(JOB_DEFAULTS.momentum);
  const [weightDecay, setWeightDecay] = useState(0);
  const [schedule, setSchedule] = useState<LearningRateSchedule>(JOB_DEFAULTS.schedule);
  const [comparisonBits, setComparisonBits] = useState(32);
  const [hiding, setHiding] = useState<HidingMode>(JOB_DEFAULTS.hiding);
  const [k, setK] = useState(JOB_DEFAULTS.k);
  const [revealLoss, setRevealLoss] = useState(false);
  const [testEncodings, setTestEncodings] = useState(0);
  const [testOwnMin, setTestOwnMin] = useState(0);
  const [moreTrain, setMoreTrain] = useState<string[]>([]);
  // null until the creator picks: then the creator alone (the platform's default).
  const [recipients, setRecipients] = useState<string[] | null>(null);
  const [members, setMembers] = useState<Member[]>([]);
  const { user } = useAuth();
  const signing = useSigningKey();
  const navigate = useNavigate();
  useEffect(() => { api.members(project.id).then(setMembers, () => setMembers([])); }, [project.id]);
  const uploader = (d: Dataset) => d.owner ?? members.find(m => m.userId === d.createdBy)?.userName;
  // A refusal is shown for the values it refused only: it goes when they change.
  const [error, setError] = useState<{ key: string; error: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  const [estimate, setEstimate] = useState<{ key: string; value: JobEstimate } | null>(null);
  const [estimating, setEstimating] = useState(false);
  const [estimateError, setEstimateError] = useState<{ key: string; error: unknown } | null>(null);
  const chosenTrain = trainId || train[0]?.id || '';
  const chosenTest = testId ?? newestTestSet(datasets);
  // Every Ready training dataset of the project has the project's shape and classes; the union is the first plus these.
  // A dataset shared before share files carried its owner's key cannot join a job (its owner shares it again).
  const others = train.filter(d => d.id !== chosenTrain && d.ownerKey);
  const chosenMore = moreTrain.filter(id => others.some(d => d.id === id));
  const chosenRecipients = recipients ?? (user ? [user.userName] : []);

  let specError: string | null = null;
  let spec: Record<string, unknown> | null = null;
  if (model === 'custom') {
    try {
      const parsed = parseModelSpec(specText);
      if (parsed.input.join() !== input.join() || parsed.classes !== project.classes) {
        specError = `The spec takes [${parsed.input.join(', ')}] with ${parsed.classes} classes; this project's images are [${input.join(', ')}] with ${project.classes} classes.`;
      } else {
        spec = JSON.parse(specText) as Record<string, unknown>;
      }
    } catch (e) {
      specError = (e as Error).message;
    }
  }

  const values: JobFormValues = {
    model: model === 'custom' ? (spec ?? {}) : model,
    trainDatasetId: chosenTrain, testDatasetId: chosenTest, epochs, batchSize, learningRate, momentum, weightDecay,
    schedule, hiding, k, revealLoss, comparisonBits, testEncodings, testOwnCoefficientMin: testOwnMin,
    additionalTrainDatasetIds: chosenMore, recipients: recipients ? chosenRecipients : [],
  };
  const request: NewJob = buildJobRequest(values);
  // What one click on InstaHide would ask (the same k, kept while another mode is chosen): its expected accuracy is shown too.
  const instaHideRequest = hiding === 'instahide' ? undefined : buildJobRequest({ ...values, hiding: 'instahide' });
  const key = JSON.stringify(request);
  const problems = jobProblems(request);
  const canSend = !!chosenTrain && !specError && problems.length === 0 && !busy && (recipients === null || recipients.length > 0);
  const current = estimate?.key === key ? estimate.value : null;

  function chooseModel(next: ModelChoice) {
    if (next === 'custom' && model !== 'custom') {
      setSpecText(JSON.stringify(presetSpec(model, input, project.classes, hiding), null, 2));
    }
    setModel(next);
  }

  async function estimateCost() {
    setEstimating(true);
    setEstimateError(null);
    try {
      setEstimate({ key, value: await api.estimateJob(project.id, request) });
    } catch (e) {
      setEstimateError({ key, error: jobRequestError(e) });
    } finally {
      setEstimating(false);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    let job: Job;
    try {
      job = await api.startJob(project.id, request);
    } catch (e) {
      setError({ key, error: jobRequestError(e) });
      setBusy(false);
      return;
    }
    onStarted();
    // The creator approves at once where this browser's key must sign (their datasets shared here, or they receive
    // the model with it); the job page then lists who else has to.
    const approval = job.state === 'AwaitingApproval' && user
      ? await approveOwnJob(api, job.id, signing.browserKey, user.userName) : null;
    setBusy(false);
    navigate(`/jobs/${job.id}`, { state: approval && !approval.signed ? { approvalNote: approval.reason } : null });
  }

  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="start-job-title">
      <h3 id="start-job-title" className="wide">Start a training job</h3>
      {train.length === 0 && <p className="notice wide">A job needs a Ready training dataset; upload one first.</p>}
      <div className="field">
        <label htmlFor="job-model">Model</label>
        <select id="job-model" value={model} onChange={e => chooseModel(e.target.value as ModelChoice)}>
          <option value="mlp">MLP (fast)</option>
          <option value="cnn">CNN (more accurate, slower)</option>
          <option value="custom">Custom (JSON spec)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="job-train">Training data</label>
        <select id="job-train" value={chosenTrain} onChange={e => setTrainId(e.target.value)} required>
          {train.length === 0 && <option value="">none ready</option>}
          {train.map(d => <option key={d.id} value={d.id}>{d.name} ({d.count}, {scalingLabel(d.scaling)})</option>)}
        </select>
      </div>
      {others.length > 0 && (
        <fieldset className="wide">
          <legend>More training data <span className="muted">(optional: other owners' datasets too)</span></legend>
          <p className="hint">The job trains on the union. Every dataset's owner approves the job with their own key before it runs.</p>
          <div className="row">
            {others.map(d => (
              <label key={d.id} className="checkbox">
                <input type="checkbox" checked={chosenMore.includes(d.id)}
                  onChange={e => setMoreTrain(e.target.checked ? [...chosenMore, d.id] : chosenMore.filter(id => id !== d.id))} />
                {d.name} ({d.count}, {scalingLabel(d.scaling)}){uploader(d) ? `, ${uploader(d)}` : ''}{d.ownerKeyFingerprint ? <span className="muted small"> key {d.ownerKeyFingerprint}</span> : null}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div className="field">
        <label htmlFor="job-test">Test data <span className="muted">(optional)</span></label>
        <select id="job-test" value={chosenTest} onChange={e => setTestId(e.target.value)}>
          <option value="">none</option>
          {test.map(d => <option key={d.id} value={d.id}>{d.name} ({d.count}, {scalingLabel(d.scaling)})</option>)}
        </select>
      </div>
      <StandardizationPreview training={[chosenTrain, ...chosenMore].flatMap(id => train.filter(d => d.id === id))}
        test={test.find(d => d.id === chosenTest)} />
      {model === 'custom' && (
        <div className="field wide">
          <label htmlFor="job-spec">Model spec (JSON)</label>
          <textarea id="job-spec" rows={10} spellCheck={false} value={specText} onChange={e => setSpecText(e.target.value)}
            aria-invalid={specError ? true : undefined} aria-describedby="job-spec-help" />
          <p id="job-spec-help" className="hint">
            <code>input</code> [channels, height, width] and <code>classes</code> must be this project's; layers are
            linear (<code>out</code>), conv2d (<code>out</code>, <code>kernel</code>, <code>stride</code>,
            <code>padding</code>), relu, abs, avgpool2d and maxpool2d (<code>kernel</code>, <code>stride</code>) and flatten.
          </p>
          {specError && <p className="error" role="alert">{specError}</p>}
        </div>
      )}
      <NumberField id="job-epochs" label="Epochs" value={epochs} onChange={setEpochs} min={1} max={1000} />
      <NumberField id="job-batch" label="Batch size" value={batchSize} onChange={setBatchSize} min={1} max={4096} />
      <NumberField id="job-lr" label="Learning rate" value={learningRate} onChange={setLearningRate} min={0} step="any" />
      <fieldset className="wide">
        <legend>Hiding</legend>
        <div className="row">
          {HIDING_MODES.map(({ mode, label }) => (
            <label key={mode} className="radio">
              <input type="radio" name="hiding" value={mode} checked={hiding === mode} onChange={() => setHiding(mode)} aria-describedby={`hiding-${mode}-help`} />
              {label}
            </label>
          ))}
          {hiding !== 'off' && <NumberField id="job-k" label="k (images per encoding)" value={k} onChange={setK} min={2} max={16} />}
        </div>
        <ul className="hint">
          {HIDING_MODES.map(({ mode, label, help }) => (
            <li key={mode} id={`hiding-${mode}-help`}>{hiding === mode ? <strong>{label}: </strong> : `${label}: `}{help}</li>
          ))}
        </ul>
        <p className="hint" id="hiding-help">{HIDING_HELP}</p>
        <TestEncodingFields allowed={testEncodingsAllowed(hiding, chosenTest)} encodings={testEncodings} onEncodings={setTestEncodings}
          ownMin={testOwnMin} onOwnMin={setTestOwnMin} />
      </fieldset>
      <details className="wide">
        <summary>Advanced settings</summary>
        <div className="row">
          <NumberField id="job-momentum" label="Momentum" value={momentum} onChange={setMomentum} min={0} max={0.999} step="any" />
          <NumberField id="job-weight-decay" label="Weight decay" value={weightDecay} onChange={setWeightDecay} min={0} step="any" />
          <div className="field">
            <label htmlFor="job-schedule">Learning-rate schedule</label>
            <select id="job-schedule" value={schedule} onChange={e => setSchedule(e.target.value as LearningRateSchedule)} aria-describedby="job-schedule-help">
              <option value="cosine">Cosine (default)</option>
              <option value="constant">Constant</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="job-comparison-bits">Comparison bits</label>
            <select id="job-comparison-bits" value={comparisonBits} onChange={e => setComparisonBits(Number(e.target.value))} aria-describedby="job-comparison-help">
              <option value={32}>32 (default, faster)</option>
              <option value={64}>64 (exact over the whole ring)</option>
            </select>
          </div>
        </div>
        <p className="hint" id="job-schedule-help">
          Cosine lowers the learning rate smoothly to 0 by the last epoch, so a run ends near a good model instead of
          wherever its last full-size step left it; the expected accuracy is measured with it. Constant keeps the rate.
        </p>
        <p className="hint" id="job-comparison-help">
          Secure ReLU and max-pooling compare shared values. 32 bits are exact while values stay below 2^15 in
          magnitude (always the case for sensibly scaled data); 64 costs one more round and about 1.6 times the traffic per comparison.
        </p>
      </details>
      {members.length > 1 && (
        <fieldset className="wide">
          <legend>Who receives the model</legend>
          <p className="hint">Only these members can collect the trained model; each signs the job too. A member needs a registered signing key (signing in to this web UI or <code>imguard login</code> registers one).</p>
          <div className="row">
            {members.map(m => (
              <label key={m.userId} className="checkbox">
                <input type="checkbox" checked={chosenRecipients.includes(m.userName)}
                  onChange={e => setRecipients(e.target.checked ? [...chosenRecipients, m.userName] : chosenRecipients.filter(u => u !== m.userName))} />
                {m.userName}{m.userName === user?.userName ? ' (you)' : ''}
              </label>
            ))}
          </div>
          {recipients !== null && recipients.length === 0 && <p className="error">Choose at least one recipient.</p>}
        </fieldset>
      )}
      {signing.status === 'other' && user && chosenRecipients.includes(user.userName) && (
        <p className="notice wide">You receive the model with your account's key <code>{signing.accountFingerprint}</code>, not this browser's
          (<code>{signing.browserFingerprint}</code>): the job will also wait for that key's approval (<code>imguard job approve</code> where
          it is kept), unless you first make this browser's key your account's (the button at the top of the page).</p>
      )}
      <label className="checkbox wide">
        <input type="checkbox" checked={revealLoss} onChange={e => setRevealLoss(e.target.checked)} />
        Reveal the training loss to the servers and to this page (one number per step; otherwise only progress is shown)
      </label>
      <ExpectedAccuracy projectId={project.id} request={request} instaHide={instaHideRequest} enabled={!!chosenTrain && !specError} />
      <section className="wide estimate" aria-labelledby="estimate-title" aria-live="polite">
        <h4 id="estimate-title" className="visually-hidden">Cost estimate</h4>
        <button type="button" onClick={() => void estimateCost()} disabled={!canSend || estimating}>
          {estimating ? 'Estimating…' : 'Estimate cost'}
        </button>{' '}
        <span className="hint">Runs one secure training step of this model at the platform to measure time and traffic.</span>
        <ErrorMessage error={estimateError?.key === key ? estimateError.error : null} />
        {estimate && !current && <p className="muted">The settings changed since the last estimate; estimate again.</p>}
        {current && <EstimateView estimate={current} />}
      </section>
      {problems.length > 0 && <ul className="error wide" role="alert" aria-label="Settings to fix">{problems.map(p => <li key={p}>{p}</li>)}</ul>}
      <ErrorMessage error={error?.key === key ? error.error : null} />
      <div className="wide"><button type="submit" className="primary" disabled={!canSend}>{busy ? 'Starting…' : 'Start job'}</button></div>
    </form>
  );
}

/**
 * "InstaHide in inference": T encodings of every test image at evaluation, and the least coefficient of the image itself
 * in them. T is disabled (shown and sent as 0) without a test set or with hiding off; the floor shows only for T > 0.
 */
export function TestEncodingFields({ allowed, encodings, onEncodings, ownMin, onOwnMin }: {
  allowed: boolean; encodings: number; onEncodings: (v: number) => void; ownMin: number; onOwnMin: (v: number) => void;
}) {
  const t = allowed ? encodings : 0;
  return (
    <>
      <div className="row">
        <NumberField id="job-test-encodings" label="Test-time encodings (T)" value={t} onChange={onEncodings} min={0} max={MAX_TEST_ENCODINGS}
          disabled={!allowed} describedBy="job-test-encodings-help" />
        {t > 0 && (
          <NumberField id="job-test-own-min" label="Least own coefficient" value={ownMin} onChange={onOwnMin} min={0} max={MAX_TEST_OWN_COEFFICIENT}
            step={0.05} describedBy="job-test-own-min-help" />
        )}
      </div>
      <p className="hint" id="job-test-encodings-help">
        InstaHide in inference: with T &gt; 0 the secure evaluation encodes every test image T times, each mixed with
        k − 1 training images under a secret coefficient row and sign mask like a training image, and sums the model's
        softmax over the T encodings before picking the class. Costs about T times a normal evaluation; 0 evaluates the
        clean test images. Needs a test dataset and hiding on (Mixup or InstaHide).
      </p>
      {t > 0 && (
        <p className="hint" id="job-test-own-min-help">
          The least coefficient of the test image itself in each of its encodings (0 to {MAX_TEST_OWN_COEFFICIENT}; 0 draws it
          as in training). Higher is more accurate but hides the test images less; the training encodings are unchanged.
        </p>
      )}
    </>
  );
}

function EstimateView({ estimate }: { estimate: JobEstimate }) {
  const s = summarizeEstimate(estimate, 1);
  return (
    <dl className="facts" aria-label="Estimated cost">
      <div><dt>Estimated time</dt><dd>{formatDuration(s.computeSeconds)} computing; about {formatDuration(s.withNetworkSeconds)} with a {s.rttMs} ms round trip between the servers</dd></div>
      <div><dt>Steps</dt><dd>{s.steps.toLocaleString('en')} ({estimate.epochs} × {estimate.stepsPerEpoch.toLocaleString('en')})</dd></div>
      <div><dt>Communication</dt><dd>{formatBytes(s.peerBytesPerParty)} each way between the servers, {s.peerRounds.toLocaleString('en')} rounds</dd></div>
      <div><dt>Dealer traffic</dt><dd>{formatBytes(s.dealerBytes[0])} to party 0, {formatBytes(s.dealerBytes[1])} to party 1</dd></div>
    </dl>
  );
}
