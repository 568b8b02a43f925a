import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api } from '../api/client';
import type { Job, JobLogEntry, ProjectRole, TrainingOptions } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { ProgressChart } from '../components/ProgressChart';
import { StatusBadge } from '../components/StatusBadge';
import { describeJob, describeTestEncodings, formatDate, formatNumber, formatPercent, isFinal, jobFraction } from '../lib/format';
import { watchJob } from '../lib/jobEvents';
import { epochMetrics } from '../lib/epochs';
import { GrantCache } from '../lib/model/handOff';
import { jobPanels } from '../lib/model/access';
import { useAuth } from '../auth/AuthContext';
import { JobStandardization } from './job/JobStandardization';
import { chartPoints, elapsedSeconds, EMPTY_HISTORY, formatElapsed, ProgressHistoryLoader, type ProgressHistory } from '../lib/progress';
import { ApprovalStatus, Contributions } from './job/ApprovalStatus';
import { EpochTable } from './job/EpochTable';
import { JobBreadcrumb } from './job/JobBreadcrumb';
import { EvaluationPanel } from './job/EvaluationPanel';
import { JobPrivacyPanel } from './job/JobPrivacyPanel';
import { JobControls } from './job/JobControls';
import { ModelPanel } from './job/ModelPanel';
import { ModelTestingPanel } from './job/ModelTestingPanel';

export function JobDetailPage() {
  const { id = '' } = useParams();
  const [job, setJob] = useState<Job | null>(null);
  const [history, setHistory] = useState<ProgressHistory>(EMPTY_HISTORY);
  const [role, setRole] = useState<ProjectRole | null | undefined>(undefined);
  const [projectName, setProjectName] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [log, setLog] = useState<JobLogEntry[]>([]);
  const [live, setLive] = useState(false);
  const { user } = useAuth();
  const now = useNow(live);
  // Why the creator's own approval was not sent right after creating the job (the job form says so here).
  const approvalNote = (useLocation().state as { approvalNote?: string } | null)?.approvalNote;

  // The chart and the epoch rows come from the platform's store: loaded at once, and topped up from the store at every
  // event of the job's stream (which only says that the job moved), so a reopened job draws what it drew live.
  useEffect(() => {
    setHistory(EMPTY_HISTORY);
    setLive(true);
    const loader = new ProgressHistoryLoader(after => api.jobProgress(id, after), setHistory);
    const refresh = () => { loader.refresh().catch(setError); };
    refresh();
    const stop = watchJob(id, (next) => {
      setJob(next);
      setError(null);
      refresh();
      if (isFinal(next.state)) setLive(false);
    }, setError);
    return () => { stop(); loader.stop(); };
  }, [id]);

  const points = useMemo(() => (job ? chartPoints(history.points, job) : []), [history.points, job]);
  const epochs = useMemo(() => (job ? epochMetrics(history.epochs, job) : []), [history.epochs, job]);
  const elapsed = job ? elapsedSeconds(job, now, history.clockOffset) : null;

  const state = job?.state;
  useEffect(() => {
    api.jobLog(id).then(setLog, () => undefined);
  }, [id, state]);

  // The caller's role decides whether the model and evaluation sections show (the platform grants downloads to owners only).
  const projectId = job?.projectId;
  useEffect(() => {
    if (projectId) api.project(projectId).then(p => { setRole(p.role); setProjectName(p.name); }, () => setRole(null));
  }, [projectId]);
  const grants = useMemo(() => new GrantCache(api, id), [id]);
  const isTraining = job ? !job.modelFromJobId : false;

  async function act(action: (jobId: string) => Promise<Job>) {
    setActionError(null);
    try {
      setJob(await action(id));
    } catch (e) {
      setActionError(e);
    }
  }
  const cancel = () => act(j => api.cancelJob(j));

  return (
    <>
      <JobBreadcrumb jobId={id} projectId={job?.projectId} projectName={projectName} />
      <h1>Job <code>{id}</code></h1>
      <ErrorMessage error={error} />
      {job && (
        <>
          <div className="job-status" aria-live="polite">
            <StatusBadge value={job.state} /> <span>{describeJob(job)}</span>
            {job.revision ? <span className="muted" title="Each revision voids every earlier signature"> · revision {job.revision}</span> : null}
            {live && <span className="live-dot" title="Live updates">live</span>}
          </div>
          {approvalNote && job.state === 'AwaitingApproval' && <p className="notice">{approvalNote}</p>}
          <ApprovalStatus job={job} />
          <Contributions job={job} />
          <JobStandardization job={job} />
          <p>
            <progress max={1} value={jobFraction(job)} aria-label="Training progress" /> {formatPercent(jobFraction(job))}
          </p>
          {isTraining && <ProgressChart points={points} until={job.finishedAt ? 0 : elapsed ?? 0} />}
          {isTraining && <EpochTable rows={epochs} revealLoss={job.training.revealLoss} />}
          <dl className="facts">
            {/* A model test (inference job) has no epochs, loss or hiding of its own: the training job's page shows those. */}
            {isTraining && (
              <>
                <div><dt>Epoch</dt><dd>{job.state === 'Succeeded' ? job.training.epochs : job.step > 0 ? Math.min(job.epoch + 1, job.training.epochs) : 0} / {job.training.epochs}</dd></div>
                <div><dt>Step</dt><dd>{job.step} / {job.totalSteps}</dd></div>
                <div><dt>Images/s</dt><dd>{formatNumber(job.metrics?.imagesPerSecond, 1)}</dd></div>
                <div><dt>Loss</dt><dd>{job.training.revealLoss ? formatNumber(job.metrics?.loss) : 'not revealed'}</dd></div>
                <div><dt>Checkpoint</dt><dd>{job.lastCheckpointEpoch ?? '—'}</dd></div>
                <div><dt>Hiding</dt><dd>{job.training.hiding}{job.training.hiding !== 'off' ? `, k = ${job.training.k}` : ''}</dd></div>
                <TestEncodingsFact training={job.training} />
                <div><dt>Batch · rate</dt><dd>{job.training.batchSize} · {job.training.learningRate}{job.training.schedule && job.training.schedule !== 'constant' ? `, ${job.training.schedule}` : ''}</dd></div>
              </>
            )}
            <div><dt>Started</dt><dd>{formatDate(job.startedAt)}</dd></div>
            <div><dt>Finished</dt><dd>{formatDate(job.finishedAt)}</dd></div>
            <div><dt>{job.finishedAt ? 'Took' : 'Elapsed'}</dt><dd>{formatElapsed(elapsed)}</dd></div>
          </dl>
          {!isFinal(job.state) && !job.cancelRequested && (
            <button type="button" className="danger" onClick={() => void cancel()}>Cancel job</button>
          )}
          {job && <JobControls job={job} isCreator={user?.id === job.createdBy}
            onResume={() => void act(j => api.resumeJob(j))} onRestart={() => void act(j => api.restartJob(j))} />}
          <ErrorMessage error={actionError} />
          {job.modelFromJobId && (
            <p>Model test of the model trained by <Link to={`/jobs/${job.modelFromJobId}`}><code>{job.modelFromJobId}</code></Link> on
              dataset <code>{job.trainDatasetId}</code>.</p>
          )}
          {role !== undefined && (() => {
            // Each user sees the panel their key can use: the parties release the model to recipients and the
            // evaluation to the test set's owner only.
            const panels = jobPanels(job, user?.userName, role);
            return (
              <>
                {panels.model && <ModelPanel job={job} grants={grants} />}
                {panels.evaluation !== 'none' && <EvaluationPanel job={job} grants={grants} only={panels.evaluation === 'only'} />}
                {panels.modelTesting && <ModelTestingPanel job={job} />}
                {panels.note && <p className="muted">{panels.note}</p>}
              </>
            );
          })()}
          {isTraining && <JobPrivacyPanel job={job} />}
          <section aria-labelledby="log-title">
            <h2 id="log-title">Log</h2>
            {log.length === 0 ? <p className="muted">No log lines yet.</p> : (
              <ol className="log">
                {log.map(l => <LogLine key={l.id} line={l} />)}
              </ol>
            )}
          </section>
        </>
      )}
    </>
  );
}

/** A log line at the reporting party's time of the event; the platform's receipt time in the tooltip when it differs. */
export function LogLine({ line }: { line: JobLogEntry }) {
  const received = line.receivedAt !== line.time ? `received ${formatDate(line.receivedAt)}` : undefined;
  return <li><span className="muted" title={received}>{formatDate(line.time)}</span> <strong>{line.level}</strong> {line.message}</li>;
}

/** The job's "InstaHide in inference" setting, a row of the facts list (a training job's only: a model test has its own page). */
export function TestEncodingsFact({ training }: { training: TrainingOptions }) {
  return <div><dt>Test encodings</dt><dd>{describeTestEncodings(training)}</dd></div>;
}

/** The browser's clock, re-read every second while `ticking` (a running job's elapsed time moves on its own). */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
