// Datasets: secret-shared in this browser and each half sent straight to its party. A training set from IDX files
// (paused mid-upload and resumed), a test set from a folder of PNGs (one sub-folder per class, sizes and colour types
// vary, one broken file) standardised with the training set's statistics kept in this browser.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { runCli } from './support/deployment';
import { expect, test } from './support/test';
import { heading, optionContaining, suffix, uploadDataset } from './support/ui';

const CHUNKS = /\/api\/uploads\/[^/]+\/chunks\//;

test('a training and a test set are shared in the browser and go to the parties only', async ({ adminPage: page, deployment, project, testImages, browserWatch }) => {
  const { origin } = deployment;
  await page.goto(`${origin}/projects/${project.id}`);
  await expect(heading(page, project.name)).toBeVisible();
  await page.getByRole('tab', { name: 'Datasets' }).click();
  await expect(page.getByText('No datasets yet.')).toBeVisible();

  const train = await test.step('a training set from IDX files, paused and resumed', () => uploadDataset(page, 'shapes-train', 'Train', async () => {
    await page.getByLabel('IDX files (MNIST format)').check();
    await page.getByLabel('Images (.idx or .gz)').setInputFiles(testImages.images);
    await page.getByLabel('Labels (.idx or .gz)').setInputFiles(testImages.labels);
    // Hold the parties' chunk uploads so the upload can be paused mid-way, then resumed.
    await page.route(CHUNKS, async route => {
      await new Promise(r => setTimeout(r, 3000));
      await route.continue().catch(() => undefined);
    });
  }, {
    afterStart: async () => {
      await page.getByRole('button', { name: 'Pause' }).click();
      await expect(page.getByRole('button', { name: 'Resume' }), 'the upload pauses').toBeVisible();
      await page.unroute(CHUNKS);
      await page.getByRole('button', { name: 'Resume' }).click();
    },
  }));

  const testSet = await test.step('a test set from a PNG folder with one broken image', async () => {
    const uploaded = await uploadDataset(page, 'shapes-test', 'Test', async () => {
      await page.getByLabel('A folder, one sub-folder per class').check();
      await page.getByLabel('Folder', { exact: true }).setInputFiles(testImages.folder);
      // The training set's statistics are offered for the test set.
      const training = page.getByLabel('Training set');
      await training.selectOption({ label: await optionContaining(training, train.id) });
    });
    await expect(page.getByText('1 image was skipped')).toBeVisible();
    await expect(page.getByText('broken.png')).toBeVisible();
    return uploaded;
  });

  await test.step('both are listed Ready; the training set\'s statistics can be downloaded again', async () => {
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByRole('tab', { name: 'Datasets' }).click();
    for (const id of [train.id, testSet.id]) await expect(page.getByRole('row').filter({ hasText: id }).filter({ hasText: 'Ready' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Download statistics of shapes-train' })).toBeVisible();
  });

  // The shares went straight to the parties; the platform got metadata only (its body size is checked for every test).
  const chunks = browserWatch.sent.filter(r => CHUNKS.test(r.path));
  expect(chunks.length, 'share chunks sent').toBeGreaterThanOrEqual(4);
  expect(chunks.filter(r => r.origin === origin), 'no share chunk went to the platform').toEqual([]);
  expect(new Set(chunks.map(r => r.origin)).size, 'both parties received chunks').toBe(2);
});

test('share files written earlier by `imguard dataset share` are checked in the browser and uploaded as they are', async ({ adminPage: page, deployment, project, testImages }) => {
  const name = `offline-${suffix()}`;
  const folder = path.join(deployment.root, name);
  // The CLI's owner key is made beside this (absent) profile: the key of "another device" than the browser.
  // The image folder (its class sub-folders are the project's three classes; the CLI reads IDX files as ten).
  const shared = await runCli(['dataset', 'share', '--images', testImages.folder, '--out', folder,
    '--profile', path.join(deployment.root, `${name}.profile.json`)]);
  expect(shared.code, shared.output).toBe(0);
  const key = shared.output.match(/owner key\s+([0-9a-f]{4}(?::[0-9a-f]{4}){3})/)?.[1];
  expect(key, shared.output).toBeDefined();
  const files = readdirSync(folder).filter(f => f.endsWith('.share') || f.endsWith('.standardization.json')).map(f => path.join(folder, f));
  expect(files).toHaveLength(3);

  await page.goto(`${deployment.origin}/projects/${project.id}?tab=datasets`);
  await expect(heading(page, project.name)).toBeVisible();
  await uploadDataset(page, 'offline-shares', 'Train', async () => {
    await page.getByLabel('Share files written earlier (imguard dataset share)').check();
    await page.getByLabel('Share files', { exact: true }).setInputFiles(files);
  });
  await expect(page.getByTestId('owner-key')).toContainText(`the signing key ${key} of the device that wrote the share files`);
});

test('an owner discloses a dataset\'s statistics after a confirmation; a job over it is standardised over the union', async ({ adminPage: page, deployment, project, testImages }) => {
  const { origin } = deployment;
  await page.goto(`${origin}/projects/${project.id}?tab=datasets`);
  await expect(heading(page, project.name)).toBeVisible();
  const { id } = await uploadDataset(page, 'to-disclose', 'Train', async () => {
    await page.getByLabel('IDX files (MNIST format)').check();
    await page.getByLabel('Images (.idx or .gz)').setInputFiles(testImages.images);
    await page.getByLabel('Labels (.idx or .gz)').setInputFiles(testImages.labels);
  });
  const row = page.getByTestId(`scaling-${id}`);
  await expect(row).toContainText('Pixels: own statistics');

  await test.step('the confirmation says what becomes public, to whom, and that it is final', async () => {
    await page.getByRole('button', { name: 'Disclose statistics of to-disclose' }).click();
    const confirm = page.getByRole('group', { name: 'Disclose the statistics of to-disclose' });
    await expect(confirm).toContainText(/One mean and one deviation — mean [0-9.]+, deviation [0-9.]+ — become public to the project's members, the two compute parties and the approvers of every job that uses this dataset/);
    await expect(confirm).toContainText('This cannot be undone.');
    await confirm.getByRole('button', { name: 'Disclose now to-disclose' }).click();
    await expect(row).toContainText(/Pixels: disclosed statistics \(mean [0-9.]+, std [0-9.]+\)/);
    await expect(page.getByRole('button', { name: 'Disclose statistics of to-disclose' })).toHaveCount(0);
  });

  await test.step('the job form says a job over it is standardised over the union and what it discloses', async () => {
    await page.getByRole('tab', { name: 'Jobs' }).click();
    const training = page.getByLabel('Training data');
    await training.selectOption({ label: await optionContaining(training, 'to-disclose') });
    const preview = page.getByTestId('job-standardization');
    await expect(preview).toContainText('Standardisation: over the union');
    await expect(preview).toContainText(new RegExp(`${id}\\) discloses its owner's statistics mean=[0-9.]+ std=[0-9.]+`));
  });
});
