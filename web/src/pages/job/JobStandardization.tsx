import type { Job } from '../../api/types';
import { isFinal } from '../../lib/format';
import { describeMode, describeStatistics, UNION } from '../../lib/scaling';

/**
 * A job's standardisation on its page: the mode in words and, for a union job once the parties opened them, the
 * statistics (public to every participant; recipients' clients standardise with them for inference and the ONNX).
 */
export function JobStandardization({ job }: { job: Pick<Job, 'standardization' | 'modelFromJobId' | 'state'> }) {
  const s = job.standardization;
  if (!s) return null;
  const union = s.mode === UNION;
  return (
    <section aria-labelledby="standardization-title" data-testid="job-standardization">
      <h2 id="standardization-title">Standardisation: {union ? 'over the union' : s.mode === 'as-shared' ? 'as shared' : s.mode}</h2>
      <p>{describeMode(s.mode)}</p>
      {union && (s.statistics
        ? <p data-testid="union-statistics">Opened by the servers{job.modelFromJobId ? ' for the model\'s training job' : ''}: {describeStatistics(s.statistics)}.</p>
        : <p className="muted">{isFinal(job.state) ? 'No statistics were recorded for this job.'
          : 'The servers open the union\'s statistics when training starts; they are shown here then.'}</p>)}
    </section>
  );
}
