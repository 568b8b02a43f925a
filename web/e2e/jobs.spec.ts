// Training jobs: the form's estimate, a small job watched to success, and what its page keeps once it has finished.
import { readFileSync } from 'node:fs';
import { expect, test } from './support/test';
import { drawnJob, fillShapesJobForm, succeeded } from './support/ui';

test('the job form estimates the cost before the start', async ({ adminPage: page, deployment, shapes }) => {
  await fillShapesJobForm(page, deployment.origin, shapes);
  await page.getByRole('button', { name: 'Estimate cost' }).click();
  await expect(page.getByLabel('Estimated cost').getByText('Estimated time')).toBeVisible();
});

test('a finished job, reopened, draws the chart and the epoch rows it drew live, and says how long it took', async ({ adminPage: page, deployment, trainedJob }) => {
  // The chart and the epoch rows come from the platform's store, so the page reopened after the job finished draws
  // what it drew live (trainedJob watched it): the whole progress line and all 5 epochs, each with its checkpoint.
  await page.goto(`${deployment.origin}/jobs/${trainedJob.jobId}`);
  await expect(succeeded(page)).toBeVisible();
  await expect(page.getByRole('table', { name: 'Metrics per epoch' }).locator('tbody tr')).toHaveCount(5);
  const reopened = await drawnJob(page);
  expect(reopened.epochs.filter(row => !row.includes('saved')), 'every epoch row names its checkpoint').toEqual([]);
  expect(reopened.progress?.split(' ').length ?? 0, 'points on the progress line').toBeGreaterThanOrEqual(5);
  expect(reopened).toEqual(trainedJob.live);
  await expect(page.getByText('Took', { exact: true })).toBeVisible();
});

test('a job\'s start and end leave no refused state report or antiforgery warning in the services\' output', async ({ deployment, trainedJob }) => {
  expect(trainedJob.jobId).toMatch(/^job-[0-9a-f]+$/);
  const lines = readFileSync(deployment.logPath, 'utf8').split('\n');
  expect(lines.some(line => line.includes(trainedJob.jobId)), 'the log covers the job').toBe(true);
  expect(lines.filter(line => /antiforgery|refused a state report/i.test(line))).toEqual([]);
});
