// A party's evaluation share file (src/Imguard.Learning/Training/EvaluationSharesFile.cs) read in the browser, and the
// owner's reconstruction (EvaluationResult.Reconstruct in SecureEvaluation.cs): the one-hot predictions N×C (ring
// integers 0/1) and the number of correct predictions (fixed point) from both halves; with the owner's true labels,
// which only this browser holds, the confusion matrix [true][predicted].
//
// File (little-endian): "IMGEVAL1", int32 party id, fractional bits, N, C; N·C prediction words; one correct-count
// word; the SHA-256 of everything before it.
import { ModelDataError } from './modelSpec';
import { hasMagic } from './modelShare';
import { addWordsEquals, MAX_FRACTIONAL_BITS, recombineFixed, roundHalfEven } from '../ring';
import { bytesEqual, sha256 } from './digest';

const MAGIC = 'IMGEVAL1';
const HEADER_BYTES = 8 + 4 * 4;
const HASH_BYTES = 32;
/** The largest N·C a file may declare (EvaluationSharesFile.MaxPredictionWords). */
export const MAX_PREDICTION_WORDS = 2 ** 28;

export interface EvaluationShare {
  partyId: number;
  fractionalBits: number;
  count: number;
  classes: number;
  view: DataView;
}

export interface EvaluationResult {
  count: number;
  correct: number;
  accuracy: number;
  /** The predicted class of each test example, in upload order. */
  predicted: Int32Array;
}

/** Reads one party's evaluation share file; the checksum is verified before anything is parsed. */
export async function parseEvaluationShare(bytes: Uint8Array, name?: string): Promise<EvaluationShare> {
  const what = name === undefined ? 'The evaluation share' : `Evaluation share '${name}'`;
  if (bytes.length < HEADER_BYTES + 8 + HASH_BYTES || !hasMagic(bytes, MAGIC)) {
    throw new ModelDataError(`${what} is not an IMGuard evaluation share file.`);
  }
  if (!bytesEqual(await sha256(bytes.subarray(0, bytes.length - HASH_BYTES)), bytes.subarray(bytes.length - HASH_BYTES))) {
    throw new ModelDataError(`${what} is corrupt or truncated (checksum mismatch).`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const partyId = view.getInt32(8, true);
  const fractionalBits = view.getInt32(12, true);
  const count = view.getInt32(16, true);
  const classes = view.getInt32(20, true);
  const words = count * classes;
  if ((partyId !== 0 && partyId !== 1) || fractionalBits < 1 || fractionalBits > MAX_FRACTIONAL_BITS || count < 0 || classes < 1
    || words > MAX_PREDICTION_WORDS || bytes.length !== HEADER_BYTES + (words + 1) * 8 + HASH_BYTES) {
    throw new ModelDataError(`${what} has an invalid header (party ${partyId}, ${fractionalBits} bits, ${count}×${classes}) or length.`);
  }
  return { partyId, fractionalBits, count, classes, view };
}

/** Combines party 0's and party 1's halves into the predictions, the correct count and the accuracy. */
export function reconstructEvaluation(party0: EvaluationShare, party1: EvaluationShare): EvaluationResult {
  if (party0.partyId !== 0 || party1.partyId !== 1) {
    throw new ModelDataError("Evaluation reconstruction needs party 0's and party 1's files, one of each.");
  }
  if (party0.fractionalBits !== party1.fractionalBits) {
    throw new ModelDataError(`The two evaluation shares use different fixed-point formats (${party0.fractionalBits} and ${party1.fractionalBits} fractional bits).`);
  }
  if (party0.count !== party1.count || party0.classes !== party1.classes) {
    throw new ModelDataError(`The two evaluation shares have different shapes (${party0.count}×${party0.classes} and ${party1.count}×${party1.classes}).`);
  }
  const n = party0.count, c = party0.classes;
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let hit = -1;
    for (let j = 0; j < c; j++) {
      const at = HEADER_BYTES + 8 * (i * c + j);
      if (addWordsEquals(party0.view, at, party1.view, at, 1) && hit < 0) hit = j;
      else if (!addWordsEquals(party0.view, at, party1.view, at, 0)) {
        throw new ModelDataError(`Prediction ${i} is not a one-hot vector: the two halves do not belong together.`);
      }
    }
    if (hit < 0) throw new ModelDataError(`Prediction ${i} has no class: the two halves do not belong together.`);
    predicted[i] = hit;
  }
  const countAt = HEADER_BYTES + 8 * n * c;
  const correct = roundHalfEven(recombineFixed(party0.view, countAt, party1.view, countAt, party0.fractionalBits));
  if (!(correct >= 0 && correct <= n)) {
    throw new ModelDataError('The correct count is outside [0, N]: the two halves do not belong together.');
  }
  return { count: n, correct, accuracy: n === 0 ? 0 : correct / n, predicted };
}

/** The confusion matrix [true][predicted] from the owner's true labels (upload order) and the predicted classes. */
export function confusionMatrix(trueLabels: readonly number[], predicted: ArrayLike<number>, classes: number): number[][] {
  if (trueLabels.length !== predicted.length) {
    throw new ModelDataError(`The test set has ${predicted.length} examples; ${trueLabels.length} true labels were given.`);
  }
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < trueLabels.length; i++) {
    const t = trueLabels[i]!, p = predicted[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= classes) throw new ModelDataError(`True label ${i} is not a class from 0 to ${classes - 1}.`);
    matrix[t]![p]!++;
  }
  return matrix;
}

/** Per-class recall (correct of that true class / examples of it), or null for a class with no examples. */
export function perClassRecall(matrix: number[][]): (number | null)[] {
  return matrix.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? null : row[t]! / total;
  });
}

/** Reads a labels file the owner imports: a JSON array of integers, or a JSON object with "labels", or one integer per line. */
export function parseLabelsFile(text: string): number[] {
  const trimmed = text.trim();
  let values: unknown;
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      values = JSON.parse(trimmed);
    } catch {
      throw new ModelDataError('The labels file is not valid JSON.');
    }
    if (values && typeof values === 'object' && !Array.isArray(values)) values = (values as { labels?: unknown }).labels;
  } else {
    values = trimmed.split(/\s+/).filter(s => s !== '').map(Number);
  }
  if (!Array.isArray(values) || values.some(v => typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
    throw new ModelDataError('A labels file holds non-negative integer class indices: a JSON array, {"labels": […]}, or one per line.');
  }
  return values as number[];
}

/** A cell's colour step 0–5: its share of its true class's examples (0 only for an empty cell). */
export function cellLevel(count: number, rowTotal: number): number {
  if (count <= 0 || rowTotal <= 0) return 0;
  return Math.max(1, Math.min(5, Math.ceil((count / rowTotal) * 5)));
}
