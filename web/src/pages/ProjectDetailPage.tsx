import { useCallback, useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Dataset, HidingMode, Job, Member, Project, ProjectRole } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { describeJob, formatDate, formatPercent, formatShape, isFinal, jobFraction } from '../lib/format';
import { NumberField } from './ProjectsPage';
import { DatasetsTab } from './project/DatasetsTab';

const TABS = [
  { id: 'members', label: 'Members' },
  { id: 'datasets', label: 'Datasets' },
  { id: 'jobs', label: 'Jobs' },
] as const;
type TabId = (typeof TABS)[number]['id'];
const ROLES: ProjectRole[] = ['Viewer', 'Contributor', 'Owner'];

export function ProjectDetailPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [project, setProject] = useState<Project | null>(null);
  const [error, setError] = useState<unknown>(null);
  const tab: TabId = (TABS.find(t => t.id === params.get('tab'))?.id) ?? 'members';

  useEffect(() => {
    api.project(id).then(setProject, setError);
  }, [id]);

  function select(next: TabId) {
    setParams({ tab: next }, { replace: true });
  }

  function onKey(event: KeyboardEvent<HTMLButtonElement>) {
    const i = TABS.findIndex(t => t.id === tab);
    const move = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!move) return;
    event.preventDefault();
    const next = TABS[(i + move + TABS.length) % TABS.length]!;
    select(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  }

  if (error) return <><h1>Project</h1><ErrorMessage error={error} /><p><Link to="/projects">Back to projects</Link></p></>;
  if (!project) return <p className="muted">Loading…</p>;
  const isOwner = project.role === 'Owner';

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link to="/projects">Projects</Link> / <span aria-current="page">{project.name}</span></nav>
      <h1>{project.name}</h1>
      {project.description && <p className="lead">{project.description}</p>}
      <dl className="facts">
        <div><dt>Input</dt><dd>{formatShape(project.channels, project.height, project.width)}</dd></div>
        <div><dt>Classes</dt><dd>{project.classes}</dd></div>
        <div><dt>Your role</dt><dd>{project.role ?? 'administrator (metadata only)'}</dd></div>
        <div><dt>Created</dt><dd>{formatDate(project.createdAt)}</dd></div>
      </dl>
      <div role="tablist" aria-label="Project sections" className="tabs">
        {TABS.map(t => (
          <button key={t.id} id={`tab-${t.id}`} type="button" role="tab" aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`} tabIndex={tab === t.id ? 0 : -1} onClick={() => select(t.id)} onKeyDown={onKey}>
            {t.label}
          </button>
        ))}
      </div>
      <section id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'members' && <MembersTab project={project} isOwner={isOwner} />}
        {tab === 'datasets' && <DatasetsTab project={project} />}
        {tab === 'jobs' && <JobsTab project={project} isOwner={isOwner} />}
      </section>
    </>
  );
}

function MembersTab({ project, isOwner }: { project: Project; isOwner: boolean }) {
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<{ userId: string; error: unknown } | null>(null);
  const [userName, setUserName] = useState('');
  const [role, setRole] = useState<ProjectRole>('Contributor');
  const [addError, setAddError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => api.members(project.id).then(setMembers, setError), [project.id]);
  useEffect(() => { void load(); }, [load]);

  async function add(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setAddError(null);
    try {
      await api.addMember(project.id, userName.trim(), role);
      setUserName('');
      await load();
    } catch (e) {
      setAddError(e);
    } finally {
      setBusy(false);
    }
  }

  async function change(member: Member, next: ProjectRole) {
    setRowError(null);
    try {
      await api.changeMember(project.id, member.userId, next);
    } catch (e) {
      setRowError({ userId: member.userId, error: e });
    }
    await load();
  }

  async function remove(member: Member) {
    if (!window.confirm(`Remove ${member.userName} from ${project.name}?`)) return;
    setRowError(null);
    try {
      await api.removeMember(project.id, member.userId);
    } catch (e) {
      setRowError({ userId: member.userId, error: e });
    }
    await load();
  }

  return (
    <>
      <h2 className="visually-hidden">Members</h2>
      <ErrorMessage error={error} />
      {members && (
        <table className="table">
          <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Added</th>{isOwner && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr></thead>
          <tbody>
            {members.map(m => (
              <tr key={m.userId}>
                <td>{m.userName}{m.displayName && m.displayName !== m.userName && <span className="muted"> ({m.displayName})</span>}</td>
                <td>
                  {isOwner ? (
                    <>
                      <label htmlFor={`role-${m.userId}`} className="visually-hidden">Role of {m.userName}</label>
                      <select id={`role-${m.userId}`} value={m.role} onChange={e => void change(m, e.target.value as ProjectRole)}>
                        {ROLES.map(r => <option key={r} value={r}>{r}</option>)}
                      </select>
                    </>
                  ) : m.role}
                  {rowError?.userId === m.userId && <ErrorMessage error={rowError.error} />}
                </td>
                <td>{formatDate(m.addedAt)}</td>
                {isOwner && <td><button type="button" className="danger" onClick={() => void remove(m)}>Remove<span className="visually-hidden"> {m.userName}</span></button></td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isOwner && (
        <form className="card inline-form" onSubmit={add} aria-labelledby="add-member-title">
          <h3 id="add-member-title">Add a member</h3>
          <div className="row">
            <div className="field">
              <label htmlFor="member-user">User name</label>
              <input id="member-user" required value={userName} onChange={e => setUserName(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="member-role">Role</label>
              <select id="member-role" value={role} onChange={e => setRole(e.target.value as ProjectRole)}>
                {ROLES.map(r => <option key={r} value={r}>{r}</option>)}
              </select>
            </div>
            <div className="field"><button type="submit" className="primary" disabled={busy || !userName.trim()}>Add member</button></div>
          </div>
          <p className="hint">Viewers see the project; contributors also upload data; owners manage members, start and cancel jobs and download models.</p>
          <ErrorMessage error={addError} />
        </form>
      )}
    </>
  );
}

const HIDING_HELP = 'Hiding encodes every training image before the servers train on it. Off trains on the shared images as they are: the best accuracy, but a model update could be inverted into a training image by anyone who sees the weights. Mixup blends each image with others; InstaHide blends k images with secret weights and also flips pixel signs with a secret mask, so an image reconstructed from a gradient is a mixture, not one person\'s picture. Larger k hides better but blurs what the network sees, which costs accuracy and usually needs more epochs; k = 4 is a common balance.';

function JobsTab({ project, isOwner }: { project: Project; isOwner: boolean }) {
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

function StartJobForm({ project, datasets, onStarted }: { project: Project; datasets: Dataset[]; onStarted: () => void }) {
  const ready = datasets.filter(d => d.status === 'Ready');
  const train = ready.filter(d => d.purpose === 'Train');
  const test = ready.filter(d => d.purpose === 'Test');
  const [model, setModel] = useState<'mlp' | 'cnn'>('mlp');
  const [trainId, setTrainId] = useState('');
  const [testId, setTestId] = useState('');
  const [epochs, setEpochs] = useState(2);
  const [batchSize, setBatchSize] = useState(64);
  const [learningRate, setLearningRate] = useState(0.05);
  const [hiding, setHiding] = useState<HidingMode>('instahide');
  const [k, setK] = useState(4);
  const [revealLoss, setRevealLoss] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const chosenTrain = trainId || train[0]?.id || '';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.startJob(project.id, {
        model, trainDatasetId: chosenTrain, testDatasetId: testId || undefined, epochs, batchSize, learningRate,
        hiding, k: hiding === 'off' ? 1 : k, revealLoss,
      });
      onStarted();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="start-job-title">
      <h3 id="start-job-title" className="wide">Start a training job</h3>
      {train.length === 0 && <p className="notice wide">A job needs a Ready training dataset; upload one first.</p>}
      <div className="field">
        <label htmlFor="job-model">Model</label>
        <select id="job-model" value={model} onChange={e => setModel(e.target.value as 'mlp' | 'cnn')}>
          <option value="mlp">MLP (fast)</option>
          <option value="cnn">CNN (more accurate, slower)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="job-train">Training data</label>
        <select id="job-train" value={chosenTrain} onChange={e => setTrainId(e.target.value)} required>
          {train.length === 0 && <option value="">none ready</option>}
          {train.map(d => <option key={d.id} value={d.id}>{d.name} ({d.count})</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="job-test">Test data <span className="muted">(optional)</span></label>
        <select id="job-test" value={testId} onChange={e => setTestId(e.target.value)}>
          <option value="">none</option>
          {test.map(d => <option key={d.id} value={d.id}>{d.name} ({d.count})</option>)}
        </select>
      </div>
      <NumberField id="job-epochs" label="Epochs" value={epochs} onChange={setEpochs} min={1} max={1000} />
      <NumberField id="job-batch" label="Batch size" value={batchSize} onChange={setBatchSize} min={1} max={4096} />
      <NumberField id="job-lr" label="Learning rate" value={learningRate} onChange={setLearningRate} min={0} step="any" />
      <fieldset className="wide">
        <legend>Hiding</legend>
        <div className="row">
          {(['off', 'mixup', 'instahide'] as const).map(mode => (
            <label key={mode} className="radio">
              <input type="radio" name="hiding" value={mode} checked={hiding === mode} onChange={() => setHiding(mode)} />
              {mode === 'off' ? 'Off' : mode === 'mixup' ? 'Mixup' : 'InstaHide'}
            </label>
          ))}
          {hiding !== 'off' && <NumberField id="job-k" label="k (images per encoding)" value={k} onChange={setK} min={2} max={16} />}
        </div>
        <p className="hint" id="hiding-help">{HIDING_HELP}</p>
      </fieldset>
      <label className="checkbox wide">
        <input type="checkbox" checked={revealLoss} onChange={e => setRevealLoss(e.target.checked)} />
        Reveal the training loss to the servers and to this page (one number per step; otherwise only progress is shown)
      </label>
      <ErrorMessage error={error} />
      <div className="wide"><button type="submit" className="primary" disabled={busy || !chosenTrain}>{busy ? 'Starting…' : 'Start job'}</button></div>
    </form>
  );
}
