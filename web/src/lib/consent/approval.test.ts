// The approval page's checks against tests/vectors/consent-v1: terms rebuilt from a ConsentTermsView (as the platform
// sends it) give the vector's digest, a view whose fields or digest were changed is refused, and a browser whose key
// the job does not need says which key would sign instead.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ApprovalRefused, checkApproval, fromBase64, parseConsentView, signApproval, termsFromView, toBase64, type ConsentTermsView,
} from './approval';
import { consentDigest } from './digest';
import { exportPublicKey, generateOwnerKey, keyFingerprint, verifyDigest } from './signing';

const folder = fileURLToPath(new URL('../../../../tests/vectors/consent-v1/', import.meta.url));
const readJson = (name: string) => JSON.parse(readFileSync(folder + name, 'utf8'));

interface Inputs {
  jobId: string; projectId: string; modelSpecJson: string;
  datasets: { datasetId: string; purpose: string; owner: string; ownerKey: string }[];
  parameters: { name: string; kind: string; value: string | number | boolean }[];
  recipients: { user: string; key: string }[];
}

/** The vector's terms as GET /api/jobs/{id}/consent states them (integers exact, as parseConsentView reads them). */
function vectorView(): ConsentTermsView {
  const inputs = readJson('inputs.json') as Inputs;
  return {
    jobId: inputs.jobId, projectId: inputs.projectId, state: 'AwaitingApproval', modelSpecJson: inputs.modelSpecJson,
    datasets: inputs.datasets.map(d => ({ ...d, name: d.datasetId, fingerprint: '', images: 100 })),
    parameters: inputs.parameters.map(p => ({
      name: p.name, kind: p.kind,
      ...(p.kind === 'integer' ? { integer: BigInt(p.value as string) } : p.kind === 'real' ? { real: p.value as number }
        : p.kind === 'text' ? { text: p.value as string } : { flag: p.value as boolean }),
    })),
    recipients: inputs.recipients.map(r => ({ ...r, fingerprint: '' })),
    hidingSummary: 'InstaHide k=4', signers: [], digest: readJson('expected.json').digest as string,
  };
}

/** The view with the digest the platform would state for its fields. */
async function restated(view: ConsentTermsView): Promise<ConsentTermsView> {
  return { ...view, digest: hex(await consentDigest(termsFromView(view))) };
}

const keyOf = (view: ConsentTermsView, owner: string) => fromBase64(view.datasets.find(d => d.owner === owner)!.ownerKey);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('approving in the browser', () => {
  it('rebuilds the vector\'s terms from the view and computes its digest, for a browser holding a required key', async () => {
    const view = vectorView();
    const checked = await checkApproval(view, keyOf(view, 'amir'), 'amir');
    expect(hex(checked.digest)).toBe(view.digest);
    expect(checked.signsAs).toBe("amir, owner of dataset 'DS-upper'; amir, owner of dataset 'ds-amir-test'; amir, recipient of the model");
  });

  it('refuses when a field shown differs from what the platform digested, or the digest differs', async () => {
    const view = vectorView();
    const changed = { ...view, parameters: view.parameters.map(p => (p.name === 'epochs' ? { ...p, integer: 3n } : p)) };
    await expect(checkApproval(changed, keyOf(view, 'amir'), 'amir')).rejects.toThrow(/do not match the platform's digest.*Nothing was signed/);
    const otherRecipients = { ...view, recipients: view.recipients.slice(0, 1) };
    await expect(checkApproval(otherRecipients, keyOf(view, 'amir'), 'amir')).rejects.toThrow(ApprovalRefused);
    const otherDigest = { ...view, digest: '00'.repeat(32) };
    await expect(checkApproval(otherDigest, keyOf(view, 'amir'), 'amir')).rejects.toThrow(/the platform states 0000000000000000…/);
  });

  it('names the dataset\'s key and this browser\'s when an owner\'s dataset was shared elsewhere', async () => {
    const view = vectorView();
    const browser = await exportPublicKey((await generateOwnerKey()).publicKey);
    const lei = (await keyFingerprint(keyOf(view, '李雷'))).short;
    const mine = (await keyFingerprint(browser)).short;
    await expect(checkApproval(view, browser, '李雷')).rejects.toThrow(
      `Dataset 'ds-lei-train' was shared with key ${lei}; this browser holds key ${mine}: approve with \`imguard job approve\` on the device that shared it.`);
  });

  it('names the recipient\'s key for a recipient who owns no dataset, and refuses a stranger', async () => {
    const view = vectorView();
    const recipientKey = await exportPublicKey((await generateOwnerKey()).publicKey);
    const withRecipient = await restated({ ...view, recipients: [...view.recipients, { user: 'rita', key: toBase64(recipientKey), fingerprint: '' }] });
    const browser = await exportPublicKey((await generateOwnerKey()).publicKey);
    await expect(checkApproval(withRecipient, browser, 'rita')).rejects.toThrow(
      new RegExp(`You receive the model with key ${(await keyFingerprint(recipientKey)).short}; this browser holds key`));
    await expect(checkApproval(view, browser, 'mallory')).rejects.toThrow(/not one this job needs a signature from/);
  });

  it('signs the digest it computed, and the signature verifies under the browser\'s key', async () => {
    const pair = await generateOwnerKey();
    const publicKey = await exportPublicKey(pair.publicKey);
    const shown = vectorView();
    shown.datasets[0] = { ...shown.datasets[0]!, ownerKey: toBase64(publicKey) };
    const view = await restated(shown);
    const checked = await checkApproval(view, publicKey, view.datasets[0]!.owner);
    const request = await signApproval(checked, { pair, publicKey });
    expect(request.key).toBe(toBase64(publicKey));
    expect(await verifyDigest(publicKey, checked.digest, fromBase64(request.signature))).toBe(true);
  });

  it('refuses malformed terms: an inexact integer, a kind without its value, a key that is not base64', async () => {
    const view = vectorView();
    const inexact = { ...view, parameters: view.parameters.map(p => (p.name === 'offset' ? { ...p, integer: -9007199254740993 } : p)) };
    await expect(checkApproval(inexact, keyOf(view, 'amir'), 'amir')).rejects.toThrow(/cannot read exactly/);
    const noValue = { ...view, parameters: [{ name: 'epochs', kind: 'integer' }] };
    expect(() => termsFromView(noValue)).toThrow(/parameter 'epochs' of kind 'integer' has no value/);
    const badKey = { ...view, recipients: [{ user: 'x', key: '***', fingerprint: '' }] };
    expect(() => termsFromView(badKey)).toThrow(/key of recipient 'x' is not base64/);
  });

  it('reads a view\'s integers exactly where the engine gives their source, and never silently rounds one', async () => {
    const view = vectorView();
    const text = JSON.stringify(view, (_, v: unknown) => (typeof v === 'bigint' ? `#${v.toString()}#` : v)).replace(/"#(-?\d+)#"/g, '$1');
    const parsed = parseConsentView(text);
    const offset = parsed.parameters.find(p => p.name === 'offset')!.integer;
    if (typeof offset === 'bigint') {
      expect(offset).toBe(-9007199254740993n);
      expect(hex((await checkApproval(parsed, keyOf(view, 'amir'), 'amir')).digest)).toBe(view.digest);
    } else {
      await expect(checkApproval(parsed, keyOf(view, 'amir'), 'amir')).rejects.toThrow(/cannot read exactly/);
    }
  });
});
