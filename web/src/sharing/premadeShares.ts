// The browser side of the offline plugin's second step: two share files written earlier by `imguard dataset share`
// (party 0's and party 1's half of one dataset) are checked here exactly as `imguard dataset upload --shares DIR`
// checks them (Imguard.Client.Datasets.DatasetUpload.RunFromSharesAsync) before the dataset is registered: both files
// valid end to end, halves of parties 0 and 1, the same dataset id, shape, classes, count and number format, the same
// owner key, and the project's image shape and classes.

import { keyFingerprint } from '../lib/consent/signing';
import { verifyShareFile, type ReadShareHeader } from './shareFileReader';
import { webSha256, type Sha256 } from './shareFile';

export interface PickedFile {
  name: string;
  blob: Blob;
}

export interface ProjectShape {
  name: string;
  channels: number;
  height: number;
  width: number;
  classes: number;
}

/** Two halves that belong together, in party order, with the digests to register. */
export interface PremadeShares {
  datasetId: string;
  header: ReadShareHeader;
  half0: Blob;
  half1: Blob;
  digest0: string;
  digest1: string;
  /** The owner key's short fingerprint (null for a version 1 pair, which has no key). */
  ownerKeyFingerprint: string | null;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Why two headers are not party 0's and party 1's halves of one dataset, or undefined (as SharesMismatch in C#). */
export function sharesMismatch(a: ReadShareHeader, b: ReadShareHeader): string | undefined {
  if (a.partyId === b.partyId) return `both are party ${a.partyId}'s half; choose party 0's and party 1's`;
  if (a.datasetId !== b.datasetId) return `their headers name datasets '${a.datasetId}' and '${b.datasetId}'`;
  if (a.channels !== b.channels || a.height !== b.height || a.width !== b.width || a.classes !== b.classes
    || a.count !== b.count || a.fractionalBits !== b.fractionalBits) {
    return 'their shapes, counts or number formats differ';
  }
  if (!sameBytes(a.ownerKey, b.ownerKey)) return 'they carry different owner keys';
  return undefined;
}

/**
 * Verifies both files (every chunk) and checks that they are the two halves of one dataset of the project's shape.
 * Throws an Error saying what is wrong; the message names the files, never their content.
 */
export async function checkPremadeShares(files: readonly PickedFile[], project: ProjectShape, sha256: Sha256 = webSha256,
  onProgress?: (done: number, total: number) => void): Promise<PremadeShares> {
  if (files.length !== 2) {
    throw new Error(`Choose the two share files of one dataset (<id>.party0.share and <id>.party1.share); ${files.length} chosen.`);
  }
  const [a, b] = files as [PickedFile, PickedFile];
  const progress = [0, 0];
  const totals = [1, 1];
  const report = (i: number) => (done: number, total: number) => {
    progress[i] = done;
    totals[i] = total;
    onProgress?.(progress[0]! + progress[1]!, totals[0]! + totals[1]!);
  };
  const va = await verifyShareFile(a.blob, a.name, sha256, report(0));
  const vb = await verifyShareFile(b.blob, b.name, sha256, report(1));
  const mismatch = sharesMismatch(va.header, vb.header);
  if (mismatch) throw new Error(`'${a.name}' and '${b.name}' do not belong together: ${mismatch}.`);
  const [v0, v1, f0, f1] = va.header.partyId === 0 ? [va, vb, a, b] : [vb, va, b, a];
  const h = v0.header;
  if (h.channels !== project.channels || h.height !== project.height || h.width !== project.width || h.classes !== project.classes) {
    throw new Error(`The shares are of ${h.channels}×${h.height}×${h.width} images with ${h.classes} classes; `
      + `project '${project.name}' expects ${project.channels}×${project.height}×${project.width} with ${project.classes} classes.`);
  }
  return {
    datasetId: h.datasetId, header: h, half0: f0.blob, half1: f1.blob, digest0: v0.digest, digest1: v1.digest,
    ownerKeyFingerprint: h.ownerKey ? (await keyFingerprint(h.ownerKey)).short : null,
  };
}

/**
 * What `imguard dataset share` records beside the shares it writes, `<id>.scaling.json`
 * (Imguard.Client.Datasets.DatasetScalingRecord: `{"scaling":"raw","classNames":[…]}`): how the shared values were
 * scaled and the class names. The upload registers the files as what this record says they hold, never as something
 * else (`checkScalingChoice`).
 */
export interface ScalingRecord {
  scaling: 'raw' | 'own';
  classNames?: string[];
}

/** Whether a picked file is a scaling record (the statistics file is the other .json). */
export function isScalingRecord(name: string): boolean {
  return name.endsWith('.scaling.json');
}

/** Reads a scaling record; throws an Error naming the file and what is wrong. */
export function parseScalingRecord(text: string, name: string): ScalingRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not JSON.`);
  }
  const record = parsed as { scaling?: unknown; classNames?: unknown } | null;
  if (!record || (record.scaling !== 'raw' && record.scaling !== 'own')) {
    throw new Error(`${name} names no scaling: it says "scaling": "raw" or "own".`);
  }
  const names = record.classNames;
  const classNames = Array.isArray(names) && names.every(n => typeof n === 'string') ? names as string[] : undefined;
  return { scaling: record.scaling, ...(classNames ? { classNames } : {}) };
}

/** Why the owner's choice cannot register these files (their record says otherwise), or undefined when it can. */
export function checkScalingChoice(choice: 'raw' | 'own', record: ScalingRecord | undefined, name: string): string | undefined {
  if (!record || record.scaling === choice) return undefined;
  return record.scaling === 'raw'
    ? `${name} says these share files hold raw pixels (imguard dataset share --scaling raw): choose "raw, for jobs with other owners".`
    : `${name} says these share files were standardised with your own statistics: choose "standardised with my own statistics".`;
}
