import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { ExpectedAccuracy as Expected, NewJob } from '../../api/types';

/** How long the settings must stay unchanged before the form asks again (typing a number is several changes). */
export const LOOKUP_DELAY_MS = 400;

/** What the platform answered for the chosen settings and, when given, for the same settings with InstaHide. */
interface Looked { key: string; value: Expected | null; instaHide: Expected | null }

/**
 * The test accuracy the chosen settings can be expected to give, beside training without hiding, as the platform's
 * measured table says (POST /api/projects/{id}/jobs/expected-accuracy: a look-up, no secure step, so it follows the
 * form as it changes), with a warning in plain words when it is poor. `imguard train` prints the same sentences.
 * `instaHide` is the same request with InstaHide (the form passes it while another mode is chosen): its figure is
 * shown too, so that the stronger hiding stays one click away with its cost in accuracy in sight.
 */
export function ExpectedAccuracy({ projectId, request, instaHide, enabled }: { projectId: string; request: NewJob; instaHide?: NewJob; enabled: boolean }) {
  const key = JSON.stringify([request, instaHide ?? null]);
  const [result, setResult] = useState<Looked | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const [chosen, alternative] = JSON.parse(key) as [NewJob, NewJob | null];
    // A refused request (settings the platform would refuse too) shows nothing here: the form says what is wrong.
    const look = (job: NewJob | null) => job ? api.expectedAccuracy(projectId, job).catch(() => null) : Promise.resolve(null);
    const timer = setTimeout(() => {
      void Promise.all([look(chosen), look(alternative)]).then(([value, other]) => { if (live) setResult({ key, value, instaHide: other }); });
    }, LOOKUP_DELAY_MS);
    return () => { live = false; clearTimeout(timer); };
  }, [projectId, key, enabled]);

  const current = enabled && result?.key === key ? result : null;
  return (
    <section className="wide" aria-labelledby="expected-accuracy-title" aria-live="polite">
      <h4 id="expected-accuracy-title">Expected accuracy</h4>
      {current?.value
        ? <ExpectedAccuracyView expected={current.value} instaHide={current.instaHide} instaHideK={instaHide?.k} />
        : <p className="muted">{enabled ? 'Looking up the measured accuracy of these settings…' : 'Choose a training dataset to see the accuracy these settings can be expected to reach.'}</p>}
    </section>
  );
}

/** The figures and sentences of one expectation, and the InstaHide alternative's figure when there is one. */
export function ExpectedAccuracyView({ expected, instaHide, instaHideK }: { expected: Expected; instaHide?: Expected | null; instaHideK?: number }) {
  const figures = expected.measured && expected.percent !== null;
  const other = instaHide?.measured && instaHide.percent !== null ? instaHide : null;
  return (
    <>
      {(figures || other) && (
        <dl className="facts" aria-label="Expected test accuracy">
          {figures && <div><dt>These settings</dt><dd>about {Math.round(expected.percent!)} %</dd></div>}
          {figures && expected.withoutHidingPercent !== null && (
            <div><dt>Without hiding</dt><dd>about {Math.round(expected.withoutHidingPercent)} %</dd></div>
          )}
          {other && (
            <div>
              <dt>With InstaHide{instaHideK ? ` (k = ${instaHideK})` : ''}</dt>
              <dd>about {Math.round(other.percent!)} %{other.poor ? ' (poor)' : ''}</dd>
            </div>
          )}
        </dl>
      )}
      {expected.warning ? <p className="error" role="alert">{expected.warning}</p> : <p>{expected.summary}</p>}
      <p className="hint">{expected.basis}</p>
    </>
  );
}
