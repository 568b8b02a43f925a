// Consent across two users, each in their own browser: one shares a training set here (bound to the key this browser
// made for them), the project's owner creates a job over it (approving it at once as the model's recipient), the
// dataset's owner finds the job in their approvals inbox, reads what it signs and approves it, and the job runs.
import { expect, test } from './support/test';
import { contextOptions } from './support/browser';
import { callApi, heading, JOB_TIMEOUT_MS, navigate, optionContaining, signIn, succeeded, uploadDataset } from './support/ui';

test('a job over another user\'s dataset waits for that owner\'s approval in their browser, then runs', async ({ browser, adminPage: page, deployment, project, newUser, testImages }) => {
  const { origin } = deployment;
  const added = await callApi<{ userId: string }>(page.context().request, origin, 'POST', `/api/projects/${project.id}/members`,
    { userName: newUser.userName, role: 'Contributor' });
  expect(added.userId).toBeTruthy();

  const ownerContext = await browser.newContext(contextOptions);
  const owner = await ownerContext.newPage();
  try {
    const dataset = await test.step('the dataset\'s owner signs in (registering this browser\'s key) and shares a training set', async () => {
      await signIn(owner, origin, newUser.userName, newUser.password);
      await owner.goto(`${origin}/projects/${project.id}?tab=datasets`);
      await expect(heading(owner, project.name)).toBeVisible();
      return uploadDataset(owner, 'owned-by-bob', 'Train', async () => {
        await owner.getByLabel('IDX files (MNIST format)').check();
        await owner.getByLabel('Images (.idx or .gz)').setInputFiles(testImages.images);
        await owner.getByLabel('Labels (.idx or .gz)').setInputFiles(testImages.labels);
      });
    });

    const jobId = await test.step('the project\'s owner creates a job over it; it waits for the dataset owner', async () => {
      await page.goto(`${origin}/projects/${project.id}?tab=jobs`);
      await expect(heading(page, project.name)).toBeVisible();
      const training = page.getByLabel('Training data');
      await training.selectOption({ label: await optionContaining(training, 'owned-by-bob') });
      await page.getByLabel('Epochs').fill('1');
      await page.getByLabel('Batch size').fill('10');
      await page.getByLabel('Learning rate').fill('0.1');
      await page.getByLabel('Off', { exact: true }).check();
      await page.getByRole('button', { name: 'Start job' }).click();
      await page.waitForURL(/\/jobs\/job-[0-9a-f]+$/);
      const approvals = page.getByRole('list', { name: 'Signatures' });
      await expect(approvals.getByText(/still to approve.*owner of dataset/)).toContainText(dataset.id);
      // The creator, the model's recipient, approved from the job form.
      await expect(approvals.getByText(/signed.*recipient of the model/)).toBeVisible();
      return page.url().split('/jobs/')[1]!;
    });

    await test.step('the owner finds it in the inbox, sees their dataset under this browser\'s key, and approves', async () => {
      await owner.goto(origin + '/');
      await expect(owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Approvals.*1 waiting/ })).toBeVisible();
      await navigate(owner, 'Approvals');
      await owner.getByRole('link', { name: `Review ${jobId}` }).click();
      await expect(heading(owner, `Approve job ${jobId}`)).toBeVisible();
      const row = owner.getByRole('row').filter({ hasText: dataset.id });
      await expect(row).toContainText(newUser.userName);
      await expect(row).toContainText('you (this browser)');
      await expect(owner.getByText('Who receives the model')).toBeVisible();
      await expect(owner.getByText(/This browser signs as .*owner of dataset/)).toBeVisible();
      await owner.getByRole('button', { name: 'Approve' }).click();
      await expect(owner.getByText('Approved: your signature is stored.')).toBeVisible();
    });

    await test.step('with every signature in, the job trains to the end', async () => {
      await expect(succeeded(page)).toBeVisible({ timeout: JOB_TIMEOUT_MS });
    });
  } finally {
    await ownerContext.close();
  }
});
