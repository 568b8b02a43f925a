// Signing in and out: the app's security headers, registration, a refused password, the dashboard's health table,
// the privacy notice, the layout on a phone. Each test starts in a fresh browser context (no session).
import { expect, test } from './support/test';
import { heading, signIn, suffix } from './support/ui';

test('the app sends its CSP and sends a visitor to sign-in, with the privacy notice', async ({ page, deployment }) => {
  const { origin } = deployment;
  const first = await page.goto(origin + '/');
  const csp = first?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  await expect(heading(page, 'Sign in to IMGuard')).toBeVisible();
  expect(page.url()).toBe(origin + '/login');
  await expect(page.getByRole('heading', { name: 'What the servers see' })).toBeVisible();
});

test('a visitor registers and is sent back to sign-in', async ({ page, deployment }) => {
  const { origin } = deployment;
  const user = `bob-${suffix()}`;
  const password = 'a long enough passphrase for bob 42';
  await page.goto(origin + '/login');
  await page.getByRole('link', { name: 'Register' }).click();
  await expect(heading(page, 'Create an account')).toBeVisible();
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Display name').fill('Bob Example');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText(`Account ${user} created`)).toBeVisible();
  expect(page.url()).toBe(origin + '/login');
});

test('a wrong password is refused where the user acted', async ({ page, deployment, browserWatch }) => {
  browserWatch.allow(/^401 POST \/api\/auth\/login$/);
  await page.goto(deployment.origin + '/login');
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' })).toBeVisible();
  await expect(heading(page, 'Sign in to IMGuard')).toBeVisible();
});

test('the admin signs in: every service healthy, the privacy notice from the footer, no sideways scrolling on a phone', async ({ page, deployment }) => {
  await signIn(page, deployment.origin, 'admin', deployment.adminPassword);
  const health = page.getByRole('table').filter({ hasText: 'Service' });
  for (const service of ['Platform', 'Party 0', 'Party 1', 'Audit server']) {
    await expect(health.getByRole('row').filter({ hasText: service }).filter({ hasText: 'ok' }), `${service} is healthy`).toBeVisible();
  }
  await expect(page.locator('.stat-value').filter({ hasText: /^\d+$/ }).first()).toBeVisible();
  // The footer's privacy link opens the notice for a signed-in user too (it went to sign-in, which sent them home).
  await page.locator('footer').getByRole('link', { name: 'Privacy notice' }).click();
  await expect(heading(page, 'Privacy notice')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'What the servers see' })).toBeVisible();
  await page.goBack();
  await expect(heading(page, 'Dashboard')).toBeVisible();
  // Responsive: on a phone-sized screen the page reflows instead of scrolling sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    { message: 'no sideways scrolling at 390 px' }).toBeLessThanOrEqual(1);
});

test('signing out ends the session: the app\'s pages need sign-in again', async ({ page, deployment }) => {
  const { origin } = deployment;
  await signIn(page, origin, 'admin', deployment.adminPassword);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();
  await page.goto(origin + '/projects');
  await expect(heading(page, 'Sign in to IMGuard')).toBeVisible();
  expect(page.url()).toBe(origin + '/login');
});
