// Formatting the privacy report's numbers for people.
import { formatNumber } from './format';

/** PSNR above this many dB is float rounding noise on an exact recovery. */
export const EXACT_PSNR_DB = 100;

/** "11.2 dB"; "exact" for +∞ (sent as null) or a PSNR only rounding keeps finite. */
export function formatPsnr(psnr: number | null): string {
  return psnr === null || psnr >= EXACT_PSNR_DB ? 'exact' : `${formatNumber(psnr, 1)} dB`;
}
