import { describe, expect, it } from 'vitest';
import { formatPsnr, jobRowLabel } from './privacy';

describe('privacy report formatting', () => {
  it('calls an infinite or rounding-only PSNR exact', () => {
    expect([null, 345.3, 100, 11.24, 9].map(formatPsnr)).toEqual(['exact', 'exact', 'exact', '11.2 dB', '9 dB']);
  });

  it("names the job's own row and leaves the others as they are", () => {
    expect(jobRowLabel('mixup', 'mixup')).toBe('Mixup (this job)');
    expect(jobRowLabel('instahide_abs', 'instahide')).toBe('InstaHide, attacker takes |x|');
    expect(jobRowLabel('other', 'raw')).toBe('other');
  });
});
