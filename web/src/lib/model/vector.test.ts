// The cross-language proof: tests/vectors/model-v1 holds two model share files and the ONNX bytes C# writes for the
// model they reconstruct to, with the training set's standardisation and class names (model.onnx) and without them
// (model.no-statistics.onnx) (checked against the C# build by ModelHandOffVectorTests), and an evaluation pair with
// what it reconstructs to. This browser code must give exactly those bytes and that accuracy.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { confusionMatrix, parseEvaluationShare, reconstructEvaluation } from './evaluation';
import { parseModelShare, reconstructModel } from './modelShare';
import { exportOnnx } from './onnx';

const folder = fileURLToPath(new URL('../../../../tests/vectors/model-v1/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(folder + name));
const expected = JSON.parse(readFileSync(folder + 'expected.json', 'utf8')) as {
  count: number; correct: number; accuracy: number; labels: number[]; predicted: number[]; confusion: number[][];
  fractionalBits: number; epochsCompleted: number; standardization: { mean: number[]; std: number[] }; classNames: string[];
};

describe('model-v1 vector', () => {
  it('reconstructs the shares and writes the C# ONNX bytes exactly', async () => {
    const share0 = await parseModelShare(read('model.party0.share'));
    const share1 = await parseModelShare(read('model.party1.share'));
    expect(share0.partyId).toBe(0);
    expect(share1.partyId).toBe(1);
    expect(share0.fractionalBits).toBe(expected.fractionalBits);
    expect(share0.hasVelocity).toEqual([true, false, true, false, true, false]);
    const model = reconstructModel(share0, share1);
    expect(model.epochsCompleted).toBe(expected.epochsCompleted);
    expect(model.parameters.map(p => p.shape)).toEqual([[2, 2, 3, 3], [2], [8, 4], [4], [4, 3], [3]]);
    const onnx = exportOnnx(model.spec, model.parameters, undefined, { standardization: expected.standardization, classNames: expected.classNames });
    const reference = read('model.onnx');
    expect(onnx.length).toBe(reference.length);
    expect(Buffer.from(onnx).equals(Buffer.from(reference))).toBe(true);
    const withoutStatistics = exportOnnx(model.spec, model.parameters);
    expect(Buffer.from(withoutStatistics).equals(Buffer.from(read('model.no-statistics.onnx')))).toBe(true);
  });

  it('reconstructs the evaluation to the expected accuracy, predictions and confusion matrix', async () => {
    const e0 = await parseEvaluationShare(read('evaluation.party0.share'));
    const e1 = await parseEvaluationShare(read('evaluation.party1.share'));
    const result = reconstructEvaluation(e0, e1);
    expect(result.count).toBe(expected.count);
    expect(result.correct).toBe(expected.correct);
    expect(result.accuracy).toBe(expected.accuracy);
    expect(Array.from(result.predicted)).toEqual(expected.predicted);
    expect(confusionMatrix(expected.labels, result.predicted, e0.classes)).toEqual(expected.confusion);
  });
});
