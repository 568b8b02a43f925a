// The creator approves their own job right after creating it: the job page then lists only the others still to sign.
// The same checks as the approval page (terms rebuilt and digested here, this browser's key a required signer); a job
// this browser's key need not sign (the creator's datasets were shared on another device) is left for the approval
// page or `imguard job approve`, with the reason.
import type { ApproveJobRequest, ConsentTermsView } from './approval';
import { checkApproval, signApproval } from './approval';
import type { StoredOwnerKey } from './keystore';
import { keyFingerprint } from './signing';

export interface ApprovalClient {
  consent(jobId: string): Promise<ConsentTermsView>;
  approveJob(jobId: string, approval: ApproveJobRequest): Promise<unknown>;
}

/** What happened: signed, or why not (shown on the job page). */
export type SelfApproval = { signed: true } | { signed: false; reason: string };

export async function approveOwnJob(client: ApprovalClient, jobId: string, key: StoredOwnerKey | null, userName: string): Promise<SelfApproval> {
  if (!key) return { signed: false, reason: 'This browser keeps no signing key for you: approve with `imguard job approve`.' };
  try {
    const view = await client.consent(jobId);
    const checked = await checkApproval(view, key.publicKey, userName);
    const mine = (await keyFingerprint(key.publicKey)).short;
    if (view.signers.some(s => s.fingerprint === mine && s.signed)) return { signed: true };
    await client.approveJob(jobId, await signApproval(checked, key));
    return { signed: true };
  } catch (e) {
    return { signed: false, reason: `Your approval was not sent: ${e instanceof Error ? e.message : String(e)}` };
  }
}
