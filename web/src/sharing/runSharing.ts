// The page's side of sharing: runs prepareShares in the Web Worker when the browser has workers, else on the page.
import { NothingDecodedError, prepareShares, type SharingMessage, type SharingRequest, type SharingResult } from './prepare';

export interface SharingJob {
  result: Promise<SharingResult>;
  cancel: () => void;
}

export function runSharing(request: SharingRequest, onProgress: (message: Extract<SharingMessage, { type: 'progress' }>) => void): SharingJob {
  if (typeof Worker === 'undefined') {
    let cancelled = false;
    const result = prepareShares(request, m => { if (!cancelled && m.type === 'progress') onProgress(m); });
    return { result, cancel: () => { cancelled = true; } };
  }
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  let reject: (e: Error) => void = () => {};
  const result = new Promise<SharingResult>((resolve, fail) => {
    reject = fail;
    worker.onmessage = (event: MessageEvent<SharingMessage>) => {
      const m = event.data;
      if (m.type === 'progress') onProgress(m);
      else {
        worker.terminate();
        if (m.type === 'done') resolve(m.result);
        else fail(m.failures?.length ? new NothingDecodedError(m.failures) : new Error(m.message));
      }
    };
    worker.onerror = event => {
      worker.terminate();
      fail(new Error(event.message || 'The sharing worker failed to start.'));
    };
  });
  worker.postMessage(request);
  return { result, cancel: () => { worker.terminate(); reject(new Error('Sharing was cancelled.')); } };
}
