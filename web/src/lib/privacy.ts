// Formatting the privacy report's numbers for people.
import { formatNumber } from './format';

/** PSNR above this many dB is float rounding noise on an exact recovery. */
export const EXACT_PSNR_DB = 100;

/** "11.2 dB"; "exact" for +∞ (sent as null) or a PSNR only rounding keeps finite. */
export function formatPsnr(psnr: number | null): string {
  return psnr === null || psnr >= EXACT_PSNR_DB ? 'exact' : `${formatNumber(psnr, 1)} dB`;
}

const ROW_NAMES: Record<string, string> = {
  raw: 'No hiding',
  mixup: 'Mixup',
  instahide: 'InstaHide',
  instahide_abs: 'InstaHide, attacker takes |x|',
};

/** A report row's name for people, marked when it is the job's own hiding mode. */
export function jobRowLabel(row: string, jobRow: string): string {
  const name = ROW_NAMES[row] ?? row;
  return row === jobRow ? `${name} (this job)` : name;
}
