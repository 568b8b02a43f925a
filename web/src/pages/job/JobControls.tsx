import type { Job } from '../../api/types';

/**
 * The creator's buttons for a stopped training job (issue 17, item 8): resume it from the newest checkpoint both parties
 * hold, or restart it from newly dealt weights. Both keep the job's consent terms, so the owners' signatures stay valid;
 * changing the settings is a revision (`imguard job revise`), which every owner signs again.
 */
export function JobControls({ job, isCreator, onResume, onRestart }: {
  job: Job;
  isCreator: boolean;
  onResume: () => void;
  onRestart: () => void;
}) {
  const controls = jobControls(job, isCreator);
  if (!controls.resume && !controls.restart) return null;
  return (
    <div className="actions" role="group" aria-label="Take the job up again">
      {controls.resume && <button type="button" onClick={onResume}>Resume from epoch {job.lastCheckpointEpoch}</button>}
      {controls.restart && <button type="button" onClick={onRestart}>Restart from the beginning</button>}
      <p className="muted small">The owners' signatures stay valid: the job's terms do not change. To change its settings, revise it (<code>imguard job revise {job.id}</code>); every owner then signs again.</p>
    </div>
  );
}

/** Which of the creator's actions apply: both for a failed or cancelled training job, resume only with a checkpoint. */
export function jobControls(job: Job, isCreator: boolean): { resume: boolean; restart: boolean } {
  const stopped = (job.state === 'Failed' || job.state === 'Cancelled') && !job.modelFromJobId && isCreator;
  return { resume: stopped && (job.lastCheckpointEpoch ?? 0) > 0, restart: stopped };
}
