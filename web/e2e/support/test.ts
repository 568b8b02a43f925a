// The specs' `test`: Playwright's, with what they share as fixtures, so that every spec also runs alone
// (`npx playwright test e2e/models.spec.ts`). Worker fixtures are built once per worker (the config runs one) and
// rebuilt after a failure; nothing else passes state between specs.
//
//   deployment    the running system (global-setup.ts)
//   browserWatch  (every test, automatic) console errors, CSP violations, failed responses, page errors and requests
//                 to another host than 127.0.0.1 fail the test unless it allowed them; so does a body of 4 KiB or more
//                 sent to the platform (pixels and shares go to the parties only)
//   adminContext  a browser context signed in as the first administrator; adminPage is a new page in it
//   member        a second registered user (name and password) for the worker; newUser one for the test alone
//   project       a new empty project (3 classes, 1×28×28), created through the API
//   testImages    the shape images (images.ts) written once
//   shapes        a project with the member added (Contributor, then Viewer) and a training set (IDX) and a test set
//                 (PNG folder) uploaded in the admin's browser, so the test labels and statistics are kept there
//   trainedJob    a small training job on `shapes` (5 epochs, batch 10, rate 0.1, hiding off), started from the
//                 form and watched until it succeeded; what its page drew live
import { test as base, expect, type BrowserContext, type Page, type PlaywrightWorkerArgs } from '@playwright/test';
import path from 'node:path';
import { contextOptions } from './browser';
import { readDeployment, type Deployment } from './deployment';
import { writeTestImages, type TestImages } from './images';
import { callApi, drawnJob, fillShapesJobForm, useThisBrowsersKey, JOB_TIMEOUT_MS, optionContaining, signIn, succeeded, suffix, uploadDataset } from './ui';

export { expect } from '@playwright/test';

/** The largest request body the platform may receive from the browser (it gets JSON metadata only). */
export const PLATFORM_BODY_LIMIT = 4096;

export interface SentRequest {
  origin: string;
  method: string;
  path: string;
  bytes: number;
}

/** What the browser did during one test: problems (unless allowed) and every HTTPS request it sent. */
export class BrowserWatch {
  readonly problems: string[] = [];
  readonly sent: SentRequest[] = [];
  // "Who am I" before signing in is how the app learns it has no session; "my signing key" answers 404 until the
  // browser registers its own at the first sign-in.
  private readonly allowed: RegExp[] = [/^401 GET \/api\/auth\/me$/, /^404 GET \/api\/me\/signing-key$/];

  /** Lets this test cause a problem on purpose (a refused request it provokes). */
  allow(pattern: RegExp): void {
    this.allowed.push(pattern);
  }

  unexpected(): string[] {
    return this.problems.filter(p => !this.allowed.some(a => a.test(p)));
  }
}

// A worker runs one test at a time: the contexts' listeners report to the running test's watch, or to the watch of the
// worker fixture being set up (worker fixtures are set up before the test's own).
let current = new BrowserWatch();

/** Fails on what `watched` saw that it did not allow, and on a large body sent to the platform at `origin`. */
function expectClean(watched: BrowserWatch, origin: string, what: string): void {
  expect(watched.unexpected(), `${what}: no console errors, CSP violations, failed responses or foreign requests`).toEqual([]);
  const largest = watched.sent.filter(r => r.origin === origin).reduce((max, r) => Math.max(max, r.bytes), 0);
  expect(largest, `${what}: no body of ${PLATFORM_BODY_LIMIT} bytes or more went to the platform`).toBeLessThan(PLATFORM_BODY_LIMIT);
}

/** Runs a worker fixture's browser steps under a watch of their own, then checks it. */
async function watchedSetup<T>(origin: string, what: string, steps: () => Promise<T>): Promise<T> {
  const previous = current;
  const own = new BrowserWatch();
  current = own;
  let result: T;
  try {
    result = await steps();
  } catch (error) {
    // The steps' own error says what failed; the browser's problems often say why.
    if (own.problems.length > 0) console.error(`${what}: browser problems so far:\n  ${own.problems.join('\n  ')}`);
    throw error;
  } finally {
    current = previous;
  }
  expectClean(own, origin, what);
  return result;
}

function watch(context: BrowserContext): void {
  // Failed responses are checked by URL; other console errors (e.g. a CSP violation) are problems.
  context.on('console', message => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) current.problems.push(`console: ${message.text()}`);
  });
  context.on('response', response => {
    if (response.status() >= 400) current.problems.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  context.on('weberror', error => current.problems.push(`page error: ${error.error().message}`));
  context.on('request', request => {
    const target = new URL(request.url());
    if (!['127.0.0.1', ''].includes(target.hostname) && target.protocol !== 'data:') current.problems.push(`request to ${request.url()}`);
    if (target.protocol === 'https:') {
      current.sent.push({ origin: target.origin, method: request.method(), path: target.pathname, bytes: request.postDataBuffer()?.length ?? 0 });
    }
  });
}

export interface Project {
  id: string;
  name: string;
}

export interface Member {
  userName: string;
  password: string;
}

export interface Shapes extends Project {
  trainId: string;
  testId: string;
}

export interface TrainedJob {
  jobId: string;
  /** What the job's page drew once the job had succeeded, watched live. */
  live: { progress: string | null; epochs: string[] };
}

interface TestFixtures {
  browserWatch: BrowserWatch;
  adminPage: Page;
  newUser: Member;
  project: Project;
}

interface WorkerFixtures {
  deployment: Deployment;
  adminContext: BrowserContext;
  member: Member;
  testImages: TestImages;
  shapes: Shapes;
  trainedJob: TrainedJob;
}

/** A new user registered through the API (as anyone may). */
async function register(playwright: PlaywrightWorkerArgs['playwright'], origin: string): Promise<Member> {
  const request = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  const member = { userName: `bob-${suffix()}`, password: 'a long enough passphrase for bob 42' };
  await callApi(request, origin, 'POST', '/api/auth/register', { userName: member.userName, displayName: 'Bob Example', password: member.password });
  await request.dispose();
  return member;
}

/** A project through the API, in the admin's session. */
async function createProject(adminContext: BrowserContext, origin: string, name: string, classes: number): Promise<Project> {
  const created = await callApi<{ id: string }>(adminContext.request, origin, 'POST', '/api/projects',
    { name, description: 'Created by the browser tests', channels: 1, height: 28, width: 28, classes });
  return { id: created.id, name };
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  deployment: [async ({}, use) => { await use(readDeployment()); }, { scope: 'worker' }],

  browserWatch: [async ({ deployment }, use) => {
    const watched = new BrowserWatch();
    current = watched;
    await use(watched);
    current = new BrowserWatch();
    expectClean(watched, deployment.origin, 'the test');
  }, { auto: true }],

  context: async ({ context }, use) => {
    watch(context);
    await use(context);
  },

  adminContext: [async ({ browser, deployment }, use) => {
    const context = await browser.newContext(contextOptions);
    watch(context);
    await watchedSetup(deployment.origin, 'signing in as admin', async () => {
      const page = await context.newPage();
      await signIn(page, deployment.origin, 'admin', deployment.adminPassword);
      await useThisBrowsersKey(page, deployment.origin);
      await page.close();
    });
    await use(context);
    await context.close();
  }, { scope: 'worker' }],

  adminPage: async ({ adminContext }, use) => {
    const page = await adminContext.newPage();
    await use(page);
    await page.close();
  },

  member: [async ({ playwright, deployment }, use) => {
    await use(await register(playwright, deployment.origin));
  }, { scope: 'worker' }],

  newUser: async ({ playwright, deployment }, use) => {
    await use(await register(playwright, deployment.origin));
  },

  project: async ({ adminContext, deployment }, use) => {
    await use(await createProject(adminContext, deployment.origin, `E2E shapes ${suffix(4)}`, 3));
  },

  testImages: [async ({ deployment }, use, workerInfo) => {
    await use(writeTestImages(path.join(deployment.root, `images-${workerInfo.workerIndex}`)));
  }, { scope: 'worker' }],

  shapes: [async ({ adminContext, deployment, member, testImages }, use) => {
    const { origin } = deployment;
    const project = await createProject(adminContext, origin, `E2E shapes ${suffix(4)}`, 3);
    const added = await callApi<{ userId: string }>(adminContext.request, origin, 'POST', `/api/projects/${project.id}/members`,
      { userName: member.userName, role: 'Contributor' });
    await callApi(adminContext.request, origin, 'PUT', `/api/projects/${project.id}/members/${added.userId}`, { role: 'Viewer' });
    const [train, test] = await watchedSetup(origin, 'uploading the shapes datasets', async () => {
      const page = await adminContext.newPage();
      await page.goto(`${origin}/projects/${project.id}?tab=datasets`);
      await expect(page.getByText('No datasets yet.')).toBeVisible();
      const train = await uploadDataset(page, 'shapes-train', 'Train', async () => {
        await page.getByLabel('IDX files (MNIST format)').check();
        await page.getByLabel('Images (.idx or .gz)').setInputFiles(testImages.images);
        await page.getByLabel('Labels (.idx or .gz)').setInputFiles(testImages.labels);
      });
      const test = await uploadDataset(page, 'shapes-test', 'Test', async () => {
        await page.getByLabel('A folder, one sub-folder per class').check();
        await page.getByLabel('Folder', { exact: true }).setInputFiles(testImages.folder);
        const training = page.getByLabel('Training set');
        await training.selectOption({ label: await optionContaining(training, train.id) });
      });
      await page.close();
      return [train, test] as const;
    });
    await use({ ...project, trainId: train.id, testId: test.id });
  }, { scope: 'worker', timeout: 180_000 }],

  trainedJob: [async ({ adminContext, deployment, shapes }, use) => {
    const { jobId, live } = await watchedSetup(deployment.origin, 'training the shapes job', async () => {
      const page = await adminContext.newPage();
      await fillShapesJobForm(page, deployment.origin, shapes);
      // The form approves the job with this browser's key (the admin shared `shapes` here) and opens the job's page.
      await page.getByRole('button', { name: 'Start job' }).click();
      await page.waitForURL(/\/jobs\/job-[0-9a-f]+$/);
      const jobId = page.url().split('/jobs/')[1]?.split(/[?#]/)[0] ?? '';
      await expect(succeeded(page)).toBeVisible({ timeout: JOB_TIMEOUT_MS });
      // The live page settles once the last epoch's row and checkpoint are in; what it drew then is what a reopened
      // page must draw (jobs.spec.ts).
      let live = await drawnJob(page);
      await expect.poll(async () => {
        const before = live;
        await page.waitForTimeout(500);
        live = await drawnJob(page);
        return live.epochs.length === 5 && live.epochs.every(r => r.includes('saved')) && JSON.stringify(before) === JSON.stringify(live);
      }, { message: 'the live job page settles with 5 epoch rows, each with its checkpoint', timeout: 20_000 }).toBe(true);
      await page.close();
      return { jobId, live };
    });
    await use({ jobId, live });
  }, { scope: 'worker', timeout: JOB_TIMEOUT_MS + 120_000 }],
});
