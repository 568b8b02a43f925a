import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { TrainingOptions } from '../api/types';
import { job } from '../test/fixtures';
import { LogLine, TestEncodingsFact } from './JobDetailPage';

const fact = (training: Partial<TrainingOptions>) =>
  renderToStaticMarkup(createElement(TestEncodingsFact, { training: { ...job().training, ...training } }));

describe('TestEncodingsFact', () => {
  it('shows T and the own-coefficient floor when there is one', () => {
    expect(fact({ testEncodings: 16, testOwnCoefficientMin: 0.5 })).toBe('<div><dt>Test encodings</dt><dd>16, own coefficient ≥ 0.5</dd></div>');
    expect(fact({ testEncodings: 8, testOwnCoefficientMin: 0 })).toBe('<div><dt>Test encodings</dt><dd>8</dd></div>');
  });

  it('says the test images are evaluated clean for T = 0 or a job stored before the setting', () => {
    expect(fact({ testEncodings: 0, testOwnCoefficientMin: 0 })).toBe('<div><dt>Test encodings</dt><dd>off (clean test images)</dd></div>');
    expect(job().training).not.toHaveProperty('testEncodings');
    expect(fact({})).toBe('<div><dt>Test encodings</dt><dd>off (clean test images)</dd></div>');
  });
});

describe('LogLine', () => {
  const line = (receivedAt: string) =>
    renderToStaticMarkup(createElement(LogLine, { line: { id: 1, time: '2026-01-01T10:00:00Z', level: 'Information', message: 'party 0: attempt 1 resumed from epoch 2', receivedAt } }));

  it("shows the party's time of the event, and the platform's receipt time only when it differs", () => {
    expect(line('2026-01-01T10:00:00Z')).not.toContain('title=');
    expect(line('2026-01-01T10:05:00Z')).toMatch(/title="received [^"]+10:05[^"]*"/);
    expect(line('2026-01-01T10:05:00Z')).toContain('attempt 1 resumed from epoch 2');
  });
});
