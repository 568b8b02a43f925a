import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Dataset, Project } from '../../api/types';
import { MemoryRouter } from 'react-router';
import { AuthProvider } from '../../auth/AuthContext';
import { SigningKeyProvider } from '../../auth/SigningKeyContext';
import { StartJobForm, TestEncodingFields } from './JobsTab';

/** The form as the app renders it: inside the router and the sign-in and signing-key providers. */
function renderForm(props: Parameters<typeof StartJobForm>[0]): string {
  return renderToStaticMarkup(createElement(MemoryRouter, null,
    createElement(AuthProvider, null, createElement(SigningKeyProvider, null, createElement(StartJobForm, props)))));
}

/** The measured accuracy table's figures by name (docs/accuracy.jsonl). */
const measured = new Map(readFileSync(fileURLToPath(new URL('../../../../docs/accuracy.jsonl', import.meta.url)), 'utf8')
  .split('\n').filter(line => line.trim()).map(line => JSON.parse(line) as { name: string; value: number }).map(f => [f.name, f.value]));

/** The opening tag of the input with this id, or undefined. */
function input(html: string, id: string): string | undefined {
  return html.match(new RegExp(`<input[^>]*\\bid="${id}"[^>]*>`))?.[0];
}

const fields = (allowed: boolean, encodings: number, ownMin = 0) =>
  renderToStaticMarkup(createElement(TestEncodingFields, { allowed, encodings, onEncodings: () => {}, ownMin, onOwnMin: () => {} }));

describe('TestEncodingFields', () => {
  it('offers T from 0 to 64 with its help, and the own-coefficient floor (0 to 0.65 by 0.05) once T > 0', () => {
    const html = fields(true, 8, 0.5);
    const t = input(html, 'job-test-encodings');
    expect(t).toBeDefined();
    expect(t).toContain('value="8"');
    expect(t).toContain('min="0"');
    expect(t).toContain('max="64"');
    expect(t).not.toContain('disabled');
    expect(t).toContain('aria-describedby="job-test-encodings-help"');
    expect(html).toContain('<label for="job-test-encodings">Test-time encodings (T)</label>');
    expect(html).toMatch(/id="job-test-encodings-help"[^>]*>[^<]*encodes every test image T times.*T times a normal evaluation.*Needs a test dataset and hiding on/s);

    const floor = input(html, 'job-test-own-min');
    expect(floor).toBeDefined();
    expect(floor).toContain('value="0.5"');
    expect(floor).toContain('min="0"');
    expect(floor).toContain('max="0.65"');
    expect(floor).toContain('step="0.05"');
    expect(floor).toContain('aria-describedby="job-test-own-min-help"');
    expect(html).toContain('<label for="job-test-own-min">Least own coefficient</label>');
    expect(html).toMatch(/id="job-test-own-min-help"[^>]*>[^<]*Higher is more accurate but hides the test images less/);
  });

  it('hides the floor while T is 0', () => {
    const html = fields(true, 0, 0.5);
    expect(input(html, 'job-test-encodings')).toContain('value="0"');
    expect(input(html, 'job-test-own-min')).toBeUndefined();
    expect(html).not.toContain('job-test-own-min-help');
  });

  it('is disabled and shows 0 where not allowed (hiding off or no test set), whatever T was typed', () => {
    const html = fields(false, 8, 0.5);
    const t = input(html, 'job-test-encodings');
    expect(t).toContain('disabled');
    expect(t).toContain('value="0"');
    expect(input(html, 'job-test-own-min')).toBeUndefined();
  });
});

describe('StartJobForm', () => {
  const project: Project = {
    id: 'p1', name: 'P', description: '', channels: 1, height: 28, width: 28, classes: 10, createdBy: 'u', createdAt: '2026-01-01T00:00:00Z', role: 'Owner',
  };
  const dataset = (id: string, purpose: Dataset['purpose']): Dataset => ({
    id, projectId: 'p1', name: id, purpose, channels: 1, height: 28, width: 28, count: 100, classes: 10, fractionalBits: 16,
    digest0: '', digest1: '', status: 'Ready', rejectionReason: null, party0Reported: true, party1Reported: true,
    createdBy: 'u', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', readyAt: '2026-01-01T00:00:00Z',
  });
  const html = renderForm({
    project, datasets: [dataset('ds-train', 'Train'), dataset('ds-test', 'Test')], onStarted: () => {},
  });

  it('starts with the project\'s newest Ready test set chosen, and with none when there is none', () => {
    expect(html).toMatch(/<select id="job-test"[^>]*>.*<option value="ds-test" selected="">/s);
    const newer = { ...dataset('ds-test-2', 'Test'), createdAt: '2026-01-02T00:00:00Z' };
    const two = renderForm({
      project, datasets: [dataset('ds-train', 'Train'), dataset('ds-test', 'Test'), newer], onStarted: () => {},
    });
    expect(two).toMatch(/<select id="job-test"[^>]*>.*<option value="ds-test-2" selected="">/s);
    const none = renderForm({ project, datasets: [dataset('ds-train', 'Train')], onStarted: () => {} });
    expect(none).toMatch(/<select id="job-test"[^>]*>.*<option value="" selected="">none<\/option>/s);
    const t = input(none, 'job-test-encodings');
    expect(t).toContain('disabled');
    expect(t).toContain('value="0"');
    expect(input(none, 'job-test-own-min')).toBeUndefined();
  });

  it('starts from the job defaults (Mixup k = 2, 5 epochs, batch 128) and shows the expected accuracy next to the cost estimate', () => {
    expect(html).toMatch(/<input type="radio"[^>]*name="hiding" checked="" value="mixup"/);
    expect(input(html, 'job-k')).toContain('value="2"');
    expect(input(html, 'job-epochs')).toContain('value="5"');
    expect(input(html, 'job-batch')).toContain('value="128"');
    expect(html.indexOf('id="expected-accuracy-title"')).toBeGreaterThan(-1);
    expect(html.indexOf('id="expected-accuracy-title"')).toBeLessThan(html.indexOf('id="estimate-title"'));
    expect(html).not.toContain('a little more accuracy than Mixup');
  });

  it('says what the measured table says about InstaHide, with its figures (docs/accuracy.jsonl)', () => {
    const help = html.match(/id="hiding-instahide-help">InstaHide: ([^<]*)</)?.[1] ?? '';
    expect(help).toMatch(/presets therefore start with \|x\|/);
    expect(help).toMatch(/costs far more accuracy than Mixup/);
    // The help's figures are the table's: mlp, 4,096 training images, 5 epochs, clean test images.
    const figure = (variant: string) => Math.round(measured.get(`plain.accuracy.mlp.${variant}.n4096.epoch5.t0`)!);
    expect(help).toContain(`about ${figure('instahide_k4_abs')} % (k = 4) or ${figure('instahide_k2_abs')} % (k = 2) after 5 epochs`);
    expect(help).toContain(`against ${figure('mixup_k2')} % with Mixup k = 2 and ${figure('off')} % without hiding`);
    expect(html).toMatch(/id="hiding-help">[^<]*Larger k hides better[^<]*The default, Mixup with k = 2/);
  });

  it('offers the project\'s other Ready training datasets for the union, and none when there is one', () => {
    const union = renderForm({
      project, datasets: [
        dataset('ds-train', 'Train'), { ...dataset('ds-other', 'Train'), ownerKey: 'AAAA', ownerKeyFingerprint: 'ab12:cd34:ef56:7890', owner: 'zoe' },
        { ...dataset('ds-new', 'Train'), status: 'Registered' }, { ...dataset('ds-v1', 'Train'), owner: 'amir' },
      ], onStarted: () => {},
    });
    expect(union).toMatch(/<legend>More training data.*<input type="checkbox"\/>ds-other \(100, own statistics\), zoe<span[^>]*> key ab12:cd34:ef56:7890/s);
    expect(union).not.toMatch(/<input type="checkbox"\/>ds-new/);
    // Shared before share files carried the owner's key: it cannot join a job.
    expect(union).not.toMatch(/<input type="checkbox"\/>ds-v1/);
    expect(union).not.toMatch(/<input type="checkbox"\/>ds-train \(/);
    expect(html).not.toContain('More training data');
  });

  it('keeps the labels the end-to-end test finds the form by unambiguous', () => {
    // The browser tests (e2e/jobs.spec.ts, e2e/support/test.ts) use getByLabel('Test data'), 'Epochs', 'Batch size',
    // 'Learning rate' (substring, case-insensitive).
    const labels = [...html.matchAll(/<label[^>]*>(.*?)<\/label>/gs)].map(m => m[1]!.replace(/<[^>]+>/g, '').toLowerCase());
    for (const name of ['test data', 'epochs', 'batch size', 'learning rate']) {
      expect(labels.filter(l => l.includes(name)), name).toHaveLength(1);
    }
  });
});
