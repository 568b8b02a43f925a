// The sharing Web Worker: decoding and sharing run here, off the page's thread, so the page stays responsive. One
// request in, progress messages and one result (or error) out.
import { NothingDecodedError, prepareShares, type SharingMessage, type SharingRequest } from './prepare';

const post = (message: SharingMessage) => (self as unknown as Worker).postMessage(message);

self.onmessage = (event: MessageEvent<SharingRequest>) => {
  prepareShares(event.data, post).then(
    result => post({ type: 'done', result }),
    (e: unknown) => post({
      type: 'error', message: e instanceof Error ? e.message : String(e), failures: e instanceof NothingDecodedError ? e.failures : undefined,
    }),
  );
};
