// Steps on the web UI that more than one spec takes, with the same locators the user sees (roles, labels, text).
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

export const JOB_TIMEOUT_MS = 180_000;
export const UPLOAD_TIMEOUT_MS = 60_000;

/** The page's title (every page has one level-1 heading). */
export function heading(page: Page, name: string | RegExp): Locator {
  return page.getByRole('heading', { level: 1, name });
}

/** Signs in on the sign-in page and waits for the dashboard. */
export async function signIn(page: Page, origin: string, userName: string, password: string): Promise<void> {
  await page.goto(origin + '/login');
  await page.getByLabel('User name').fill(userName);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(heading(page, 'Dashboard')).toBeVisible();
}

/**
 * Makes this browser's signing key the account's: the first browser to sign in registers its key, and another test's
 * browser may have signed in as the same user first. Jobs name the account's key for the model's recipient, and the
 * job form can sign only with this browser's.
 */
export async function useThisBrowsersKey(page: Page, origin: string): Promise<void> {
  await page.goto(origin + '/account');
  const account = page.getByTestId('account-signing-key');
  await expect(account, 'the account\'s signing key is known').toHaveText(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/);
  const replace = page.getByRole('button', { name: 'Use this browser\'s key' });
  if (await replace.count() > 0) {
    await replace.first().click();
    await expect(page.getByText('Your account now names this browser\'s key').first()).toBeVisible();
  }
}

/** The main navigation's link to `name`, clicked, and the page's heading seen. */
export async function navigate(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  await expect(heading(page, name)).toBeVisible();
}

/** The text of the first option of `select` that contains `text`, once the select offers one. */
export async function optionContaining(select: Locator, text: string): Promise<string> {
  let found: string | undefined;
  await expect.poll(async () => {
    found = (await select.locator('option').allInnerTexts()).find(t => t.includes(text));
    return found;
  }, { message: `an option containing ${text}` }).toBeDefined();
  return found!;
}

/**
 * Fills the dataset form (name, purpose, then `choose` picks the files), shares and uploads, runs `afterStart` while
 * the upload runs, and waits until the dataset is settled; expects Ready. Returns the dataset's id and status line.
 */
export async function uploadDataset(page: Page, name: string, purpose: 'Train' | 'Test', choose: () => Promise<void>,
  { afterStart = async () => {}, timeout = UPLOAD_TIMEOUT_MS }: { afterStart?: () => Promise<void>; timeout?: number } = {},
): Promise<{ id: string; status: string }> {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Purpose').selectOption(purpose);
  await choose();
  await page.getByRole('button', { name: 'Share and upload' }).click();
  await afterStart();
  const settled = page.locator('p').filter({ has: page.locator('code', { hasText: /^ds-[0-9a-f]+$/ }) }).filter({ hasText: /Ready|Rejected/ });
  await expect(settled).toBeVisible({ timeout });
  const status = await settled.innerText();
  expect(status, `${name} is Ready`).toContain('Ready');
  return { id: status.match(/ds-[0-9a-f]+/)![0], status };
}

/** What a job page draws: the progress line's points and the rows of the epoch table. */
/**
 * Opens the shapes project's job form and fills in the small job both the estimate test and the trained-job fixture
 * use: the shapes test set, 5 epochs of batch 10 at learning rate 0.1, no hiding. The caller presses the button.
 */
export async function fillShapesJobForm(page: Page, origin: string, project: { id: string; name: string }): Promise<void> {
  await page.goto(`${origin}/projects/${project.id}?tab=jobs`);
  await expect(heading(page, project.name)).toBeVisible();
  const testData = page.getByLabel('Test data');
  await testData.selectOption({ label: await optionContaining(testData, 'shapes-test') });
  await page.getByLabel('Epochs').fill('5');
  await page.getByLabel('Batch size').fill('10');
  await page.getByLabel('Learning rate').fill('0.1');
  await page.getByLabel('Off', { exact: true }).check();
}

export async function drawnJob(page: Page): Promise<{ progress: string | null; epochs: string[] }> {
  return {
    progress: await page.locator('polyline.chart-progress').getAttribute('points'),
    epochs: await page.getByRole('table', { name: 'Metrics per epoch' }).locator('tbody tr').allInnerTexts(),
  };
}

/** The badge that says a job succeeded. */
export function succeeded(page: Page): Locator {
  return page.locator('.badge').filter({ hasText: /^Succeeded$/ }).first();
}

/** The cells of the confusion matrix on a job page, as numbers (row by row). */
export async function confusionCells(page: Page): Promise<number[]> {
  const matrix = page.getByRole('table', { name: /Confusion matrix/ });
  await expect(matrix).toBeVisible({ timeout: 60_000 });
  return (await matrix.locator('td.cm-cell').allInnerTexts()).map(t => Number(t.replace(/[^0-9]/g, '')));
}

/** One call to the platform's API with the session of `request` (its CSRF token fetched first); the parsed body. */
export async function callApi<T>(request: APIRequestContext, origin: string, method: string, path: string, body?: unknown): Promise<T> {
  const csrf = await request.get(`${origin}/api/auth/csrf`);
  if (!csrf.ok()) throw new Error(`GET /api/auth/csrf: ${csrf.status()}`);
  const { token } = (await csrf.json()) as { token: string };
  const response = await request.fetch(origin + path, { method, data: body ?? {}, headers: { 'X-XSRF-TOKEN': token } });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A short random suffix for names that must be new in this deployment. */
export function suffix(length = 6): string {
  return Math.random().toString(16).slice(2, 2 + length);
}
