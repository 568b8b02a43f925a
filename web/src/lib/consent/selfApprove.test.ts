import { describe, expect, it } from 'vitest';
import { consentDigest } from './digest';
import { fromBase64, termsFromView, toBase64, type ApproveJobRequest, type ConsentTermsView } from './approval';
import { approveOwnJob } from './selfApprove';
import { exportPublicKey, generateOwnerKey, verifyDigest } from './signing';

async function ownerKey(user: string) {
  const pair = await generateOwnerKey();
  return { user, pair, publicKey: await exportPublicKey(pair.publicKey), createdAt: '2026-01-01T00:00:00Z' };
}

async function view(owner: Uint8Array, recipient: Uint8Array): Promise<ConsentTermsView> {
  const shown: ConsentTermsView = {
    jobId: 'job-1', projectId: 'p-1', state: 'AwaitingApproval', modelSpecJson: '{"input":[1,2,2],"classes":2,"layers":[]}',
    datasets: [{ datasetId: 'ds-a', name: 'a', purpose: 'train', owner: 'ann', ownerKey: toBase64(owner), fingerprint: '', images: 10 }],
    parameters: [{ name: 'epochs', kind: 'integer', integer: 2 }, { name: 'learningRate', kind: 'real', real: 0.1 }],
    recipients: [{ user: 'ann', key: toBase64(recipient), fingerprint: '' }],
    hidingSummary: 'off', signers: [], digest: '',
  };
  return { ...shown, digest: Buffer.from(await consentDigest(termsFromView(shown))).toString('hex') };
}

describe('the creator\'s own approval', () => {
  it('signs the digest computed here when this browser\'s key must sign', async () => {
    const key = await ownerKey('ann');
    const terms = await view(key.publicKey, key.publicKey);
    const sent: ApproveJobRequest[] = [];
    const result = await approveOwnJob({ consent: async () => terms, approveJob: async (_, a) => { sent.push(a); } }, 'job-1', key, 'ann');
    expect(result).toEqual({ signed: true });
    expect(sent).toHaveLength(1);
    const digest = await consentDigest(termsFromView(terms));
    expect(await verifyDigest(key.publicKey, digest, fromBase64(sent[0]!.signature))).toBe(true);
  });

  it('sends nothing and says why when the dataset was shared with another device\'s key', async () => {
    const elsewhere = await ownerKey('ann');
    const browser = await ownerKey('ann');
    const terms = await view(elsewhere.publicKey, elsewhere.publicKey);
    let calls = 0;
    const result = await approveOwnJob({ consent: async () => terms, approveJob: async () => { calls++; } }, 'job-1', browser, 'ann');
    expect(calls).toBe(0);
    expect(result.signed).toBe(false);
    expect(!result.signed && result.reason).toMatch(/Dataset 'ds-a' was shared with key .*; this browser holds key .*imguard job approve/);
  });
});
