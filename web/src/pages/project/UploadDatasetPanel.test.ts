import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { IdxLimitField, PixelsChoice } from './UploadDatasetPanel';

describe('the IDX count limit', () => {
  const field = (value: number) => renderToStaticMarkup(createElement(IdxLimitField, { value, onChange: () => {} }));

  it('is empty (all images) at 0 and shows a chosen count, whole numbers from 0, explained as the CLI\'s --limit', () => {
    const none = field(0);
    expect(none).toMatch(/<input[^>]*id="upload-idx-limit"[^>]*value=""/);
    expect(none).toMatch(/<input[^>]*id="upload-idx-limit"[^>]*min="0"[^>]*step="1"/);
    expect(none).toContain('placeholder="all images"');
    expect(none).toContain('<label for="upload-idx-limit">Use only the first');
    expect(none).toMatch(/id="upload-idx-limit-help"[^>]*>Images, counted from the start of the file, as the CLI&#x27;s <code>--limit<\/code>/);
    expect(field(5000)).toMatch(/<input[^>]*id="upload-idx-limit"[^>]*value="5000"/);
  });
});

describe('the pixels choice', () => {
  const choice = (value: 'own' | 'raw', premade = false) => renderToStaticMarkup(createElement(PixelsChoice, { value, onChange: () => {}, premade }));

  it('offers own statistics (the default) and raw pixels, each with the line that says what it means', () => {
    const own = choice('own');
    expect(own).toContain('standardised with my own statistics (default)');
    expect(own).toContain('raw, for jobs with other owners');
    expect(own).toContain('checked="" value="own"');
    expect(own).toContain('which stay in this browser');
    expect(own).toContain('unless you later disclose those statistics');
    const raw = choice('raw');
    expect(raw).toContain('checked="" value="raw"');
    expect(raw).toContain('Each value is pixel/255 and no statistic of yours is computed or kept');
    expect(raw).toContain('open only the mean and deviation per channel of the whole union');
  });

  it('asks what share files written earlier hold', () => {
    expect(choice('raw', true)).toContain('<legend>Pixels in these share files</legend>');
    expect(choice('raw', true)).toContain('Say how imguard dataset share scaled these files');
    expect(choice('own')).toContain('<legend>Pixels</legend>');
  });
});
