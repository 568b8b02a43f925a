import { describe, expect, it } from 'vitest';
import { formatPsnr } from './privacy';

describe('privacy report formatting', () => {
  it('calls an infinite or rounding-only PSNR exact', () => {
    expect([null, 345.3, 100, 11.24, 9].map(formatPsnr)).toEqual(['exact', 'exact', 'exact', '11.2 dB', '9 dB']);
  });
});
