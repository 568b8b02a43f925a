// Pure formatting and interpretation helpers (unit-tested in format.test.ts).
import { ApiError } from '../api/client';
import type { Job, JobState, TrainingOptions } from '../api/types';

/** "45 s", "2 min", "1 h 5 min": a wait in words. */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** What to tell the user about a failed action, from the platform's answer. `action` names what they tried. */
export function errorMessage(error: unknown, action?: 'login' | 'register'): string {
  if (error instanceof ApiError) {
    const wait = error.retryAfterSeconds !== undefined ? ` Try again in ${formatWait(error.retryAfterSeconds)}.` : '';
    switch (error.status) {
      case 401:
        return action === 'login' ? 'Wrong user name or password.' : 'Your session has ended; please sign in again.';
      case 429:
        // At sign-in the platform slows repeated failures for a user name from this address only (no account is
        // ever locked; the same wait comes whether or not the name exists).
        return action === 'login'
          ? `Too many failed sign-ins for this user name from here.${wait || ' Try again later.'} Signing in from elsewhere is not affected.`
          : `Too many attempts from here.${wait || ' Try again later.'}`;
      default: {
        const text = error.detail ? `${error.title}: ${error.detail}` : error.title;
        return text.endsWith('.') ? text : text + '.';
      }
    }
  }
  if (error instanceof TypeError) return 'The platform could not be reached. Check your connection and try again.';
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'UTC',
});

/** An ISO timestamp as "03 Feb 2026, 14:05:09 UTC"; "—" for none. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : `${dateFormat.format(time)} UTC`;
}

/** "1 image", "2 images", "0 classes": a count and its noun in the right number (`many` for irregular plurals). */
export function plural(count: number, one: string, many = `${one}${/(s|x|ch|sh)$/.test(one) ? 'es' : 's'}`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}

/** "1×28×28" */
export function formatShape(channels: number, height: number, width: number): string {
  return `${channels}×${height}×${width}`;
}

export const FINAL_STATES: readonly JobState[] = ['Succeeded', 'Failed', 'Cancelled', 'Declined'];
export const ACTIVE_STATES: readonly JobState[] = ['AwaitingApproval', 'Queued', 'Preprocessing', 'Running'];

export function isFinal(state: JobState): boolean {
  return FINAL_STATES.includes(state);
}

/** The job's progress in [0, 1]: steps done over total (1 once succeeded). */
export function jobFraction(job: Pick<Job, 'state' | 'step' | 'totalSteps'>): number {
  if (job.state === 'Succeeded') return 1;
  if (job.totalSteps <= 0) return 0;
  return Math.min(1, Math.max(0, job.step / job.totalSteps));
}

/** "42 %" */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}

/** A number with at most `digits` decimals, or "—". */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Number(value.toFixed(digits)).toString();
}

/** One line about where a job stands. */
/** ", resumed from epoch N" for a job whose latest attempt resumed from a checkpoint (its progress never goes backwards). */
function resumed(job: Job): string {
  return typeof job.resumedFromEpoch === 'number' ? `, resumed from epoch ${job.resumedFromEpoch}` : '';
}

export function describeJob(job: Job): string {
  switch (job.state) {
    case 'Queued':
      return job.cancelRequested ? 'Queued; cancel requested' : 'Waiting for the parties';
    case 'Preprocessing':
      return 'Preparing correlated randomness';
    case 'Running':
      return `Epoch ${job.epoch + 1 > job.training.epochs ? job.training.epochs : job.epoch + 1} of ${job.training.epochs}, step ${job.step} of ${job.totalSteps}${resumed(job)}${job.cancelRequested ? ' (cancel requested)' : ''}`;
    case 'Succeeded':
      return 'Finished: the model stays secret-shared until its owner downloads both halves';
    case 'Failed':
      return job.failureMessage ? `Failed: ${job.failureMessage}` : 'Failed';
    case 'Cancelled':
      return 'Cancelled';
    case 'AwaitingApproval':
      return 'Waiting for every owner and recipient to approve';
    case 'Declined':
      return job.failureMessage ? `Declined: ${job.failureMessage}` : 'Declined';
  }
}

/** A job's test-time encodings: "16", "16, own coefficient ≥ 0.5", or "off (clean test images)" for 0 or none (older jobs). */
export function describeTestEncodings(training: Pick<TrainingOptions, 'testEncodings' | 'testOwnCoefficientMin'>): string {
  const t = training.testEncodings ?? 0;
  if (!(t > 0)) return 'off (clean test images)';
  const floor = training.testOwnCoefficientMin ?? 0;
  return floor > 0 ? `${t}, own coefficient ≥ ${formatNumber(floor)}` : `${t}`;
}

/** A short description of an audit record's properties ("role=owner, count=120"). */
export function formatProperties(properties: Record<string, unknown> | null | undefined): string {
  if (!properties) return '';
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(', ');
}

/** Lower-case hex, shortened for display: "3fa1…9c2e". */
export function shortHash(hex: string, keep = 8): string {
  return hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-keep)}`;
}
