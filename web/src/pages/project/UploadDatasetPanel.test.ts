import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { IdxLimitField } from './UploadDatasetPanel';

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
