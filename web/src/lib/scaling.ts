// A dataset's pixel scaling and a job's standardisation in the UI's words (docs/multi-owner.md, "One standardisation
// for the union"; Imguard.Contracts PixelScaling and JobStandardization): what the upload form, the dataset list, the
// job form, the approval page and the job page say about them, and the job form's preview of the mode the platform
// will choose (JobStandardization.ModeFor, ported). Unit-tested in scaling.test.ts.
import type { components } from '../api/schema';
import type { ConsentParameterView } from './consent/approval';

export type PixelScalingKind = 'raw' | 'own' | 'disclosed';

type Schemas = components['schemas'];

/** What a dataset's shared values are (Contracts PixelScaling); a disclosed one carries one mean and std per channel. */
export type PixelScaling = Schemas['PixelScaling'];

/** Per channel the mean and deviation of x/255 over every training image of a union job, as the parties opened them. */
export type ChannelStatistics = Schemas['ChannelStatistics'];

/** A job's standardisation as its view shows it (Contracts JobStandardizationView). */
export type JobStandardizationView = Schemas['JobStandardizationView'];

export const AS_SHARED = 'as-shared';
export const UNION = 'union';

/** The consent parameter that signs the job's mode, and the prefix of each dataset's (JobConsentTerms.Names). */
export const STANDARDIZATION_PARAMETER = 'standardization';
export const SCALING_PARAMETER_PREFIX = 'scaling.';

/** A dataset registered before scalings existed is read as `own` (the platform's default). */
export function kindOf(scaling: PixelScaling | null | undefined): string {
  return scaling?.kind ?? 'own';
}

/** Numbers as the page shows them: up to 4 significant digits, channels separated by commas. */
export function formatNumbers(values: readonly number[]): string {
  return values.map(v => Number(v.toPrecision(4)).toString()).join(', ');
}

/** One line for the dataset list: what the shared values are. */
export function describeScaling(scaling: PixelScaling | null | undefined): string {
  switch (kindOf(scaling)) {
    case 'raw': return 'Raw pixels (x/255): no statistic of the owner\'s is used; it can join jobs with other owners.';
    case 'own': return 'Standardised with the owner\'s own statistics, kept on the owner\'s device: for jobs on this owner\'s data alone.';
    case 'disclosed':
      return `Standardised with statistics its owner made public: mean ${formatNumbers(scaling?.mean ?? [])}, std ${formatNumbers(scaling?.std ?? [])}; it can join jobs with other owners.`;
    default: return `Scaled '${scaling?.kind}', which this page does not know.`;
  }
}

/** A short label (a column or an option): "raw", "own statistics", "disclosed statistics". */
export function scalingLabel(scaling: PixelScaling | null | undefined): string {
  const kind = kindOf(scaling);
  return kind === 'own' ? 'own statistics' : kind === 'disclosed' ? 'disclosed statistics' : kind;
}

/**
 * The mode the platform gives a job (JobStandardization.ModeFor): over the union when it trains on more than one
 * dataset or any of its datasets (training or test) is not standardised with its owner's own undisclosed statistics.
 */
export function standardizationMode(trainingSets: number, scalings: readonly (PixelScaling | null | undefined)[]): typeof AS_SHARED | typeof UNION {
  return trainingSets > 1 || scalings.some(s => kindOf(s) !== 'own') ? UNION : AS_SHARED;
}

/** What the job form and the approval page say a mode does, in plain words. */
export function describeMode(mode: string): string {
  if (mode === UNION) {
    return 'Standardised on shares over the union of every training set: the parties open 2 numbers per channel (mean and deviation of all owners\' '
      + 'training images together); no per-owner statistic is opened.';
  }
  if (mode === AS_SHARED) {
    return 'Each dataset is used as its owner standardised it, with the owner\'s own statistics, which never leave the owner\'s device; nothing is opened.';
  }
  return `Standardisation '${mode}', which this page does not know.`;
}

/** "discloses its owner's statistics mean=… std=…" for a disclosed dataset; undefined for any other. */
export function disclosureWords(scaling: PixelScaling | null | undefined): string | undefined {
  if (kindOf(scaling) !== 'disclosed') return undefined;
  return `discloses its owner's statistics mean=${formatNumbers(scaling?.mean ?? [])} std=${formatNumbers(scaling?.std ?? [])}`;
}

/**
 * The datasets a union job cannot use (standardised with their owners' own statistics, undisclosed), each with the
 * reason as the platform states it when it refuses the job (JobService's NotUnionReady; its CLI commands said in the
 * web UI's terms); empty for an as-shared job.
 */
export function unionConflicts(mode: string, datasets: readonly { id: string; name: string; owner?: string | null; scaling?: PixelScaling | null }[]): { id: string; name: string; message: string }[] {
  if (mode !== UNION) return [];
  return datasets.filter(d => kindOf(d.scaling) === 'own').map(d => {
    const owner = d.owner ?? 'its owner';
    return {
      id: d.id,
      name: d.name,
      message: `Dataset ${d.id} ('${d.name}'${d.owner ? `, shared by ${d.owner}` : ''}) was standardised with ${d.owner ? `${owner}'s` : 'its owner\'s'} own statistics, `
        + `which a job standardised over the union of its datasets cannot use: ${owner} shares it again with raw pixels or discloses its statistics `
        + '(Disclose statistics in the dataset list).',
    };
  });
}

/**
 * A dataset's scaling as the consent terms sign it (PixelScaling.ToConsentText): "raw", "own", or
 * "disclosed mean=0.2860406 std=0.3530241" (channels separated by commas); undefined when the text is none of these.
 */
export function parseScalingText(text: string): PixelScaling | undefined {
  if (text === 'raw' || text === 'own') return { kind: text };
  const m = /^disclosed mean=(\S+) std=(\S+)$/.exec(text);
  if (!m) return undefined;
  const numbers = (list: string) => list.split(',').map(Number);
  const mean = numbers(m[1]!);
  const std = numbers(m[2]!);
  if (mean.length !== std.length || [...mean, ...std].some(v => !Number.isFinite(v))) return undefined;
  return { kind: 'disclosed', mean, std };
}

/** What the approval page says about a job's standardisation, read from its signed parameters. */
export interface SignedStandardization {
  mode: string;
  /** One sentence for the whole job. */
  summary: string;
  /** Per dataset the signed scaling and, for a disclosed one, what it discloses. */
  datasets: { datasetId: string; scaling: string; words: string }[];
}

/** The standardisation the terms sign, in words; undefined for terms from before it (no `standardization` parameter). */
export function signedStandardization(parameters: readonly ConsentParameterView[]): SignedStandardization | undefined {
  const mode = parameters.find(p => p.name === STANDARDIZATION_PARAMETER)?.text;
  if (typeof mode !== 'string') return undefined;
  const datasets = parameters.filter(p => p.name.startsWith(SCALING_PARAMETER_PREFIX) && typeof p.text === 'string').map(p => {
    const text = p.text!;
    const scaling = parseScalingText(text);
    const words = !scaling ? `scaled '${text}'`
      : disclosureWords(scaling) ?? (scaling.kind === 'raw' ? 'raw pixels (x/255); nothing of its owner\'s is opened'
        : 'standardised with its owner\'s own statistics, which stay on the owner\'s device');
    return { datasetId: p.name.slice(SCALING_PARAMETER_PREFIX.length), scaling: text, words };
  });
  return { mode, summary: describeMode(mode), datasets };
}

/** The consent parameters the Settings list leaves to the Standardisation section. */
export function isStandardizationParameter(name: string): boolean {
  return name === STANDARDIZATION_PARAMETER || name.startsWith(SCALING_PARAMETER_PREFIX);
}

/** The statistics a union job opened, in words: "mean 0.286, std 0.353 per channel over 47,040 values each". */
export function describeStatistics(statistics: ChannelStatistics): string {
  const channels = statistics.mean.length;
  return `mean ${formatNumbers(statistics.mean)} and deviation ${formatNumbers(statistics.std)} of x/255 `
    + `(${channels === 1 ? 'one channel' : `${channels} channels`}), over ${statistics.valuesPerChannel.toLocaleString('en')} values per channel`;
}

/** The identity statistics a raw dataset is shared with: mean 0 and deviation 1 per channel, so a value is x/255. */
export function rawStatistics(channels: number): { mean: number[]; std: number[] } {
  return { mean: Array.from({ length: channels }, () => 0), std: Array.from({ length: channels }, () => 1) };
}
