// Live job updates: the platform's Server-Sent Events stream (`state` and `progress` events, data = the job JSON),
// closed once a final state arrives (the platform ends the stream then; EventSource would otherwise reconnect).
// If the stream fails, falls back to polling GET /api/jobs/{id} every 2 s until the job is final.
import { api } from '../api/client';
import type { Job } from '../api/types';
import { isFinal } from './format';

export type JobEventKind = 'state' | 'progress' | 'poll';

/** Parses one event's data; null when it is not a job. */
export function parseJobEvent(data: string): Job | null {
  try {
    const job = JSON.parse(data) as Partial<Job>;
    return typeof job.id === 'string' && typeof job.state === 'string' ? (job as Job) : null;
  } catch {
    return null;
  }
}

/** Watches a job; returns a function that stops watching. */
export function watchJob(id: string, onJob: (job: Job, kind: JobEventKind) => void, onError: (error: unknown) => void): () => void {
  let stopped = false;
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const poll = async () => {
    if (stopped) return;
    try {
      const job = await api.job(id);
      if (stopped) return;
      onJob(job, 'poll');
      if (isFinal(job.state)) return;
    } catch (error) {
      onError(error);
    }
    if (!stopped) timer = setTimeout(() => void poll(), 2000);
  };

  if (typeof EventSource === 'undefined') {
    void poll();
  } else {
    source = new EventSource(api.jobEventsUrl(id), { withCredentials: true });
    const handle = (kind: 'state' | 'progress') => (event: MessageEvent<string>) => {
      const job = parseJobEvent(event.data);
      if (!job || stopped) return;
      onJob(job, kind);
      if (isFinal(job.state)) {
        source?.close();
        source = null;
      }
    };
    source.addEventListener('state', handle('state'));
    source.addEventListener('progress', handle('progress'));
    source.onerror = () => {
      if (!source) return;
      source.close();
      source = null;
      void poll();
    };
  }

  return () => {
    stopped = true;
    source?.close();
    if (timer) clearTimeout(timer);
  };
}
