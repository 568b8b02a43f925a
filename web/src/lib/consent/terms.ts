// The approval page's plain words for what a job's consent terms say: each signed parameter by name and value, and a
// model spec summarised layer by layer (the exact JSON is shown beside it, since its bytes are what is signed).
import { parseModelSpec, type ModelSpec } from '../model/modelSpec';
import type { ConsentParameterView } from './approval';

const PARAMETER_WORDS: Record<string, string> = {
  epochs: 'Epochs (passes over the union of the training data)',
  batchSize: 'Batch size (images per step)',
  learningRate: 'Learning rate',
  momentum: 'Momentum',
  weightDecay: 'Weight decay',
  schedule: 'Learning-rate schedule',
  hiding: 'Hiding of training images',
  k: 'k (images mixed into each encoding)',
  upperBound: 'Largest mixing coefficient',
  revealLoss: 'Training loss revealed to the servers and the job page',
  comparisonBits: 'Comparison bits (secure ReLU and max-pooling)',
  testEncodings: 'Test-time encodings (InstaHide in inference)',
  testOwnCoefficientMin: 'Least own coefficient of a test encoding',
  fractionalBits: 'Fixed-point fractional bits',
  revision: 'Revision (signatures over an earlier revision do not count)',
  standardization: 'Standardisation',
};

/** A parameter's name in words (the signed name for one this page does not know). */
export function parameterLabel(name: string): string {
  return PARAMETER_WORDS[name] ?? name;
}

/** A parameter's value as text: flags as yes/no, hiding "off" in words, integers exactly. */
export function parameterValue(p: ConsentParameterView): string {
  switch (p.kind) {
    case 'integer': return String(p.integer);
    case 'real': return String(p.real);
    case 'flag': return p.flag ? 'yes' : 'no';
    case 'text': return p.name === 'hiding' && p.text === 'off' ? 'off (images as they are)' : String(p.text);
    default: return '?';
  }
}

/** "input 1×28×28, 10 classes; linear 128 → relu → linear 10", or why the spec could not be read. */
export function describeModelSpec(json: string): string {
  let spec: ModelSpec;
  try {
    spec = parseModelSpec(json);
  } catch (e) {
    return `not a model spec this page can read (${(e as Error).message}); the exact text is below`;
  }
  const layers = spec.layers.map(l => {
    const type = l.type.toLowerCase();
    if (type === 'linear') return `linear ${l.out}`;
    if (type === 'conv2d') return `conv2d ${l.out} (kernel ${l.kernel}, stride ${l.stride}, padding ${l.padding})`;
    if (type.endsWith('pool2d')) return `${type} (kernel ${l.kernel}, stride ${l.stride})`;
    return type;
  });
  return `input ${spec.input.join('×')}, ${spec.classes} classes; ${layers.join(' → ')}`;
}
