import { useEffect, useState } from 'react';
import { fromBase64 } from './approval';
import { keyFingerprint } from './signing';

/**
 * Short fingerprints of base64 SPKI keys, computed in this browser (never the platform's fingerprint text), by key;
 * a key that is not base64 gets none.
 */
export function useFingerprints(keys: readonly string[]): Record<string, string> {
  const [fingerprints, setFingerprints] = useState<Record<string, string>>({});
  const joined = [...new Set(keys)].sort().join('\n');
  useEffect(() => {
    let live = true;
    const unique = joined ? joined.split('\n') : [];
    void Promise.all(unique.map(async k => {
      try {
        return [k, (await keyFingerprint(fromBase64(k))).short] as const;
      } catch {
        return undefined;
      }
    })).then(pairs => {
      if (live) setFingerprints(Object.fromEntries(pairs.filter((p): p is readonly [string, string] => !!p)));
    });
    return () => { live = false; };
  }, [joined]);
  return fingerprints;
}
