// Consent across two users, each in their own browser: one shares a training set and a test set here as raw pixels
// (x/255, bound to the key this browser made for them, no statistic of theirs kept), the project's owner creates a job
// over them (approving it at once as the model's recipient; the form says it is standardised over the union), the
// datasets' owner finds the job in their approvals inbox, reads what it signs — the standardisation in words — and
// approves it, and the job runs. The recipient's job page shows the statistics the parties opened over the union; the
// test set's owner, no recipient, gets the evaluation-only panel and the accuracy from the two evaluation shares.
import { expect, test } from './support/test';
import { contextOptions } from './support/browser';
import { callApi, heading, JOB_TIMEOUT_MS, navigate, optionContaining, signIn, succeeded, uploadDataset } from './support/ui';

test('a job over another user\'s raw datasets waits for that owner\'s approval in their browser, runs over the union, and gives them the evaluation alone',
  async ({ browser, adminPage: page, deployment, project, newUser, testImages }) => {
    const { origin } = deployment;
    const added = await callApi<{ userId: string }>(page.context().request, origin, 'POST', `/api/projects/${project.id}/members`,
      { userName: newUser.userName, role: 'Contributor' });
    expect(added.userId).toBeTruthy();

    const ownerContext = await browser.newContext(contextOptions);
    const owner = await ownerContext.newPage();
    try {
      const [dataset, testSet] = await test.step('the datasets\' owner signs in (registering this browser\'s key) and shares a training and a test set as raw pixels', async () => {
        await signIn(owner, origin, newUser.userName, newUser.password);
        await owner.goto(`${origin}/projects/${project.id}?tab=datasets`);
        await expect(heading(owner, project.name)).toBeVisible();
        const share = (name: string, purpose: 'Train' | 'Test') => uploadDataset(owner, name, purpose, async () => {
          // For a job with other owners: nothing of this owner's statistics is used or kept.
          await owner.getByLabel('raw, for jobs with other owners').check();
          await expect(owner.getByText('Each value is pixel/255 and no statistic of yours is computed or kept')).toBeVisible();
          await owner.getByLabel('IDX files (MNIST format)').check();
          await owner.getByLabel('Images (.idx or .gz)').setInputFiles(testImages.images);
          await owner.getByLabel('Labels (.idx or .gz)').setInputFiles(testImages.labels);
        });
        const train = await share('owned-by-bob', 'Train');
        await expect(owner.getByText('Shared as raw pixels (x/255): no statistic of yours was computed or kept.')).toBeVisible();
        const test = await share('bob-test', 'Test');
        await expect(owner.getByTestId(`scaling-${train.id}`)).toContainText('Pixels: raw');
        return [train, test];
      });

      const jobId = await test.step('the project\'s owner creates a job over them, standardised over the union; it waits for the datasets\' owner', async () => {
        await page.goto(`${origin}/projects/${project.id}?tab=jobs`);
        await expect(heading(page, project.name)).toBeVisible();
        const training = page.getByLabel('Training data');
        await training.selectOption({ label: await optionContaining(training, 'owned-by-bob') });
        const testData = page.getByLabel('Test data');
        await testData.selectOption({ label: await optionContaining(testData, 'bob-test') });
        await expect(page.getByTestId('job-standardization')).toContainText('Standardisation: over the union');
        await expect(page.getByTestId('job-standardization')).toContainText('the parties open 2 numbers per channel');
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

      await test.step('the owner finds it in the inbox, sees their datasets under this browser\'s key and the standardisation, and approves', async () => {
        await owner.goto(origin + '/');
        await expect(owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Approvals.*1 waiting/ })).toBeVisible();
        await navigate(owner, 'Approvals');
        await owner.getByRole('link', { name: `Review ${jobId}` }).click();
        await expect(heading(owner, `Approve job ${jobId}`)).toBeVisible();
        const row = owner.getByRole('row').filter({ hasText: dataset.id });
        await expect(row).toContainText(newUser.userName);
        await expect(row).toContainText('you (this browser)');
        await expect(owner.getByTestId('approval-standardization-summary')).toHaveText(
          'Standardised on shares over the union of every training set: the parties open 2 numbers per channel (mean and deviation of all owners\' '
          + 'training images together); no per-owner statistic is opened.');
        await expect(owner.getByText(`(${testSet.id}): raw pixels (x/255); nothing of its owner's is opened`)).toBeVisible();
        await expect(owner.getByText('Who receives the model')).toBeVisible();
        await expect(owner.getByText(/This browser signs as .*owner of dataset/)).toBeVisible();
        await owner.getByRole('button', { name: 'Approve' }).click();
        await expect(owner.getByText('Approved: your signature is stored.')).toBeVisible();
      });

      await test.step('with every signature in, the job trains to the end; its page shows the statistics opened over the union', async () => {
        await expect(succeeded(page)).toBeVisible({ timeout: JOB_TIMEOUT_MS });
        await expect(page.getByTestId('union-statistics')).toContainText(/Opened by the servers: mean [0-9.]+ and deviation [0-9.]+ of x\/255 \(one channel\), over 47,040 values per channel/);
        // The recipient collects the model, not the test set owner's accuracy.
        await expect(page.getByText('The test accuracy goes only to the test set\'s owner')).toBeVisible();
        await page.getByRole('button', { name: 'Download model' }).click();
        // Its ONNX standardises raw pixels with the job's statistics (this browser holds none of the training set's).
        await expect(page.getByTestId('onnx-standardization')).toContainText('it starts with the standardisation over the union that the servers opened for this job');
      });

      await test.step('the test set\'s owner, no recipient, gets the accuracy alone from the two evaluation shares', async () => {
        const requests: string[] = [];
        owner.on('request', r => { if (r.url().includes('/api/models/')) requests.push(r.url()); });
        await owner.goto(`${origin}/jobs/${jobId}`);
        await expect(succeeded(owner)).toBeVisible();
        await expect(owner.getByTestId('evaluation-only')).toContainText('this fetches only the two evaluation shares');
        await expect(owner.getByRole('button', { name: 'Download model' })).toHaveCount(0);
        await owner.getByRole('button', { name: 'Show test evaluation' }).click();
        await expect(owner.getByLabel(/^Test accuracy/)).toBeVisible({ timeout: 60_000 });
        await expect(owner.getByText(/classified correctly/)).toContainText('of 60 test images');
        // The test labels were kept in this browser when the test set was shared: the confusion matrix too.
        await expect(owner.getByRole('table', { name: /Confusion matrix/ })).toBeVisible();
        expect(requests.length, 'the evaluation was fetched from both parties').toBeGreaterThan(0);
        expect(requests.filter(u => !/\/api\/models\/[^/]+\/evaluation(\/challenge)?$/.test(u)), 'nothing but the evaluation was asked for').toEqual([]);
      });
    } finally {
      await ownerContext.close();
    }
  });
