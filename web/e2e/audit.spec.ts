// The audit log (administrators) and a project's Activity tab (its members): the events of a project that went
// through everything — members, datasets, a job, a model download — delivered asynchronously, so each view is
// refreshed until they are there; the hash chain verified.
import type { Page } from '@playwright/test';
import { expect, test, type TrainedJob } from './support/test';
import { heading, navigate } from './support/ui';

/** Downloads the job's model in the browser (a model.downloaded event for its project). */
async function downloadModel(page: Page, origin: string, job: TrainedJob): Promise<void> {
  await page.goto(`${origin}/jobs/${job.jobId}`);
  await page.getByRole('button', { name: 'Download model' }).click();
  await expect(page.getByText(/Reconstructed in this browser/)).toBeVisible({ timeout: 60_000 });
}

test('the audit log lists the project\'s events by type, fits 1280 px, names the actor, and its chain verifies', async ({ adminPage: page, deployment, shapes, trainedJob }) => {
  await downloadModel(page, deployment.origin, trainedJob);
  await navigate(page, 'Audit log');
  await page.getByLabel('Subject').fill(`project:${shapes.id}`);
  const types = page.locator('.audit-table tbody tr td:nth-child(3)');
  // Each kind of event, filtered by type within the project (the log is paged, newest first; events arrive
  // asynchronously, so each filter is repeated until its rows are there).
  for (const type of ['project.created', 'project.member_added', 'project.member_role_changed', 'dataset.registered',
    'dataset.half_received', 'dataset.ready', 'job.created', 'model.downloaded']) {
    await page.getByLabel('Event type').fill(type);
    await expect(async () => {
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForTimeout(300);
      const shown = await types.allInnerTexts();
      expect(shown.length, `rows of type ${type}`).toBeGreaterThan(0);
      expect(shown.filter(t => t !== type), `only ${type} rows`).toEqual([]);
    }, `audit events of type ${type} for the project`).toPass({ timeout: 20_000 });
  }
  // At 1280 px every event name and id is on one line (they were broken mid-word).
  await page.getByLabel('Event type').fill('');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect.poll(() => page.locator('.audit-table tbody code').evaluateAll(codes =>
    codes.length > 16 && codes.every(code => code.getClientRects().length === 1)), { message: 'audit ids and event names unbroken at 1280 px' }).toBe(true);
  const overflow = await page.locator('.table-scroll:has(.audit-table)').evaluate(box => box.scrollWidth - box.clientWidth);
  expect(overflow, 'the audit table fits 1280 px without scrolling sideways').toBeLessThanOrEqual(1);
  await expect(page.getByRole('cell', { name: 'user:admin' }).first(), 'the actor is shown').toBeVisible();
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByRole('heading', { name: 'Chain intact' })).toBeVisible();
});

test('the project\'s Activity tab lists its events, with the actor and facts', async ({ adminPage: page, deployment, shapes, trainedJob }) => {
  expect(trainedJob.jobId).toMatch(/^job-/);
  await page.goto(`${deployment.origin}/projects/${shapes.id}?tab=activity`);
  await expect(heading(page, shapes.name)).toBeVisible();
  const rows = page.locator('.activity-table tbody tr');
  // Newest first: page back with "Older" until the project's first event; refresh from page 1 while it is not delivered.
  const seen = new Set<string>();
  await expect(async () => {
    await expect(rows.first()).toBeVisible();
    for (const type of await page.locator('.activity-table tbody tr td:nth-child(2) code').allInnerTexts()) seen.add(type);
    if (!seen.has('project.created')) {
      const older = page.getByRole('button', { name: 'Older' });
      if ((await older.count()) > 0 && (await older.isEnabled())) await older.click();
      else await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(500);
    }
    expect([...seen], 'project.created in the Activity tab').toContain('project.created');
  }).toPass({ timeout: 20_000 });
  expect([...seen], 'dataset and job events in the Activity tab').toEqual(expect.arrayContaining(['dataset.registered', 'job.created']));
  await expect(rows.filter({ hasText: 'project.created' }).filter({ hasText: 'user:admin' }).filter({ hasText: 'classes=3' }),
    'project.created shows its actor and facts').toHaveCount(1);
});
