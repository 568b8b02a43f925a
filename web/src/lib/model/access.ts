// Which of a succeeded job's hand-off panels the signed-in user sees. The parties decide what each key receives (the
// model only to a recipient's key, the evaluation only to the test set owner's key: docs/multi-owner.md, "Model and
// evaluation release"); the page shows each user the panel that their key can use, so a test set's owner who is not a
// recipient fetches the evaluation alone (as `imguard model evaluation --job ID`) instead of a model download that
// the parties would refuse. Unit-tested in access.test.ts.
import type { Job, ProjectRole } from '../../api/types';

export interface JobPanels {
  /** Download model / Save as ONNX (today's panel). */
  model: boolean;
  /** The test evaluation: `full` beside the model, `only` for a test set's owner who is no recipient, `none`. */
  evaluation: 'full' | 'only' | 'none';
  /** The model-testing service (an inference job on another dataset): a recipient who owns the project. */
  modelTesting: boolean;
  /** Why this user sees no panel or only some, in words; undefined when nothing needs saying. */
  note?: string;
}

const NONE: JobPanels = { model: false, evaluation: 'none', modelTesting: false };

/** The panels `userName` (project role `role`) sees on `job`'s page. */
export function jobPanels(job: Pick<Job, 'state' | 'modelFromJobId' | 'recipients' | 'datasets' | 'testDatasetId'>, userName: string | undefined,
  role: ProjectRole | null | undefined): JobPanels {
  if (job.state !== 'Succeeded' || !userName) return NONE;
  const owner = role === 'Owner';
  // A model test (inference job): its evaluation, for the project's owners as the platform grants it.
  if (job.modelFromJobId) return owner ? { ...NONE, evaluation: 'full' } : { ...NONE, note: 'Only the project\'s owners can see this model test\'s evaluation.' };
  const recipients = (job.recipients ?? []).map(r => r.user);
  // A job from before consent names no recipients: the project's owners collect its model as they always did.
  if (recipients.length === 0) {
    return owner ? { model: true, evaluation: 'full', modelTesting: true }
      : { ...NONE, note: 'Only the project\'s owners can download this model and see its evaluation.' };
  }
  const testOwner = job.testDatasetId ? (job.datasets ?? []).find(d => d.purpose === 'test' && d.datasetId === job.testDatasetId)?.owner : undefined;
  const recipient = recipients.includes(userName);
  const ownsTest = testOwner !== undefined && testOwner === userName;
  if (recipient) {
    const evaluation = !job.testDatasetId || ownsTest ? 'full' : 'none';
    return {
      model: true, evaluation, modelTesting: owner,
      note: evaluation === 'none' ? `The test accuracy goes only to the test set's owner, ${testOwner ?? 'who shared it'}: each party releases it only to that owner's key.` : undefined,
    };
  }
  if (ownsTest) return { model: false, evaluation: 'only', modelTesting: false };
  return { ...NONE, note: `Only the model's recipients (${recipients.join(', ')}) can collect this model${testOwner ? `, and only the test set's owner (${testOwner}) its test accuracy` : ''}.` };
}
