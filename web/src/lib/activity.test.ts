import { describe, expect, it } from 'vitest';
import type { ActivityRecord } from '../api/types';
import { activitySummary, eventLabel } from './activity';

const project = '6f1c0c52-0000-4000-8000-000000000001';

function record(subjects: string[], properties: Record<string, unknown>): ActivityRecord {
  return { sequence: 7, timestamp: '2026-02-03T14:05:09Z', eventType: 'dataset.registered', actor: 'user:alice', subjects, properties };
}

describe('activitySummary', () => {
  it('names the other subjects and the facts, not the project or the sending service', () => {
    expect(activitySummary(record([`dataset:ds-12`, `project:${project}`], { source: 'platform', purpose: 'train', count: 8 }), project))
      .toBe('dataset:ds-12 · purpose=train, count=8');
  });
  it('shows only the facts when the project is the only subject', () => {
    expect(activitySummary(record([`project:${project}`], { source: 'platform', classes: 10 }), project)).toBe('classes=10');
  });
  it('shortens hex digests', () => {
    const digest = 'ab'.repeat(32);
    expect(activitySummary(record([`project:${project}`], { digest, party: 0 }), project)).toBe('digest=ababab…ababab, party=0');
  });
  it('is empty when there is nothing more to say', () => {
    expect(activitySummary(record([`project:${project}`], { source: 'platform' }), project)).toBe('');
  });
});

describe('eventLabel', () => {
  it('names known events and passes others through', () => {
    expect(eventLabel('project.created')).toBe('Project created');
    expect(eventLabel('something.new')).toBe('something.new');
  });
});
