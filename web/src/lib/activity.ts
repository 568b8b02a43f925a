// How a project's activity (audit records naming the project) reads in the UI.
import type { ActivityRecord } from '../api/types';
import { formatProperties, shortHash } from './format';

const LABELS: Record<string, string> = {
  'project.created': 'Project created',
  'project.member_added': 'Member added',
  'project.member_role_changed': 'Member role changed',
  'project.member_removed': 'Member removed',
  'dataset.registered': 'Dataset registered',
  'dataset.half_received': 'Dataset half received',
  'dataset.ready': 'Dataset ready',
  'dataset.rejected': 'Dataset rejected',
  'dataset.deletion_requested': 'Dataset deletion requested',
  'dataset.deleted': 'Dataset deleted',
  'dataset.statistics_disclosed': 'Dataset statistics disclosed',
  'grant.issued': 'Grant issued',
  'job.created': 'Job created',
  'job.cancel_requested': 'Job cancel requested',
  'job.state_changed': 'Job state changed',
  'job.resumed': 'Job resumed',
  'job.restarted': 'Job restarted',
  'consent.requested': 'Approvals requested',
  'consent.approved': 'Job approved',
  'consent.declined': 'Job declined',
  'consent.withdrawn': 'Approval withdrawn',
  'consent.revised': 'Job revised',
  'model.downloaded': 'Share downloaded',
  'model.request_refused': 'Model request refused',
  'upload.rejected': 'Upload rejected',
  'randomness.issued': 'Randomness issued',
  'access.denied': 'Access denied',
};

/** A readable name for an event type ("Dataset registered"); the type itself when it is not a known one. */
export function eventLabel(eventType: string): string {
  return LABELS[eventType] ?? eventType;
}

const HEX_DIGEST = /^[0-9a-f]{40,}$/;

/**
 * One line about a record: the other things it names (a dataset, a job, a user) and its facts, leaving out the
 * project itself and the sending service, with hex digests shortened ("dataset:ds-1f… · purpose=train, count=8").
 * The audit log holds the full values.
 */
export function activitySummary(record: ActivityRecord, projectId: string): string {
  const others = record.subjects.filter(s => s !== `project:${projectId}`);
  const facts = Object.fromEntries(Object.entries(record.properties ?? {})
    .filter(([key]) => key !== 'source')
    .map(([key, value]) => [key, typeof value === 'string' && HEX_DIGEST.test(value) ? shortHash(value, 6) : value]));
  return [others.join(', '), formatProperties(facts)].filter(Boolean).join(' · ');
}
