import { describe, expect, it } from 'vitest';
import type { Job } from '../../api/types';
import { jobPanels } from './access';

type PanelJob = Parameters<typeof jobPanels>[0];

const key = 'AAAA';
const consentJob = (over: Partial<PanelJob> = {}): PanelJob => ({
  state: 'Succeeded', modelFromJobId: null, testDatasetId: 'ds-test',
  recipients: [{ user: 'alice', key, fingerprint: 'f1' }, { user: 'bob', key, fingerprint: 'f2' }],
  datasets: [
    { datasetId: 'ds-a', name: 'a', purpose: 'train', owner: 'alice', ownerKeyFingerprint: 'f1', images: 60, imagesPerEpoch: 60 },
    { datasetId: 'ds-test', name: 't', purpose: 'test', owner: 'carol', ownerKeyFingerprint: 'f3', images: 20, imagesPerEpoch: 0 },
  ],
  ...over,
});

describe('the hand-off panels a job page shows each user', () => {
  it('gives a recipient the model and, when they own the test set (or there is none), the evaluation beside it', () => {
    expect(jobPanels(consentJob(), 'alice', 'Owner')).toMatchObject({ model: true, evaluation: 'none', modelTesting: true });
    expect(jobPanels(consentJob(), 'alice', 'Owner').note).toBe("The test accuracy goes only to the test set's owner, carol: each party releases it only to that owner's key.");
    expect(jobPanels(consentJob({ testDatasetId: null }), 'bob', 'Contributor')).toEqual({ model: true, evaluation: 'full', modelTesting: false, note: undefined });
    const ownsTest = consentJob({ recipients: [{ user: 'carol', key, fingerprint: 'f3' }] });
    expect(jobPanels(ownsTest, 'carol', 'Owner')).toEqual({ model: true, evaluation: 'full', modelTesting: true, note: undefined });
  });

  it('gives a test set\'s owner who is no recipient the evaluation alone, whatever their project role', () => {
    expect(jobPanels(consentJob(), 'carol', 'Contributor')).toEqual({ model: false, evaluation: 'only', modelTesting: false });
    expect(jobPanels(consentJob(), 'carol', 'Owner')).toEqual({ model: false, evaluation: 'only', modelTesting: false });
  });

  it('gives anyone else no panel and says who gets what, even a project owner', () => {
    const other = jobPanels(consentJob(), 'dave', 'Owner');
    expect(other).toMatchObject({ model: false, evaluation: 'none', modelTesting: false });
    expect(other.note).toBe("Only the model's recipients (alice, bob) can collect this model, and only the test set's owner (carol) its test accuracy.");
  });

  it('keeps the project owners\' panels for jobs from before consent and for model tests, and shows nothing before success', () => {
    const legacy = consentJob({ recipients: [], datasets: [] });
    expect(jobPanels(legacy, 'alice', 'Owner')).toEqual({ model: true, evaluation: 'full', modelTesting: true });
    expect(jobPanels(legacy, 'bob', 'Viewer').note).toBe("Only the project's owners can download this model and see its evaluation.");
    const test = consentJob({ modelFromJobId: 'job-1', recipients: [], datasets: [] });
    expect(jobPanels(test, 'alice', 'Owner')).toMatchObject({ model: false, evaluation: 'full', modelTesting: false });
    expect(jobPanels(test, 'bob', 'Contributor').evaluation).toBe('none');
    expect(jobPanels(consentJob({ state: 'Running' as Job['state'] }), 'alice', 'Owner')).toEqual({ model: false, evaluation: 'none', modelTesting: false });
    expect(jobPanels(consentJob(), undefined, 'Owner').model).toBe(false);
  });
});
