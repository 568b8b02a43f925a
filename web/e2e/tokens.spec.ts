// Account: an API token for the CLI (the password again), shown once, usable by `imguard login --token-stdin` and
// `imguard project list`, listed by its prefix only, revoked (the CLI is refused then).
import { expect, test } from './support/test';
import { heading, navigate, suffix } from './support/ui';
import { runCli } from './support/deployment';

test('an API token made in the browser works for the CLI until it is revoked', async ({ adminPage: page, deployment, project }, testInfo) => {
  const { origin } = deployment;
  await page.goto(origin + '/');
  await navigate(page, 'Account');
  const tokenName = `e2e-cli-${suffix(4)}`;
  await page.getByLabel('Name', { exact: true }).fill(tokenName);
  await page.getByLabel('Lifetime in days (optional)').fill('7');
  await page.getByLabel('Your password').fill(deployment.adminPassword);
  await page.getByRole('button', { name: 'Create token' }).click();
  const secretField = page.getByLabel('API token', { exact: true });
  await expect(secretField, 'the new token is shown once').toHaveValue(/^igt_\S{20,}$/);
  const apiToken = await secretField.inputValue();
  await expect(page.getByText('it is not shown again')).toBeVisible();
  await expect(page.locator('.one-time-secret pre'), 'how to use the token with the CLI')
    .toContainText(`imguard login --platform ${origin} --ca ca.crt --token-stdin`);
  const tokenRow = page.getByRole('row').filter({ hasText: tokenName });
  await expect(tokenRow.filter({ hasText: 'Active' })).toBeVisible();
  await expect(tokenRow.getByText(apiToken.slice(0, 12)), 'the token is listed by its prefix').toBeVisible();
  await expect(page.locator('.tokens-table'), 'the list never shows the secret').not.toContainText(apiToken.slice(12));

  const profile = testInfo.outputPath('cli-profile.json');
  const login = await runCli(['login', '--platform', origin, '--ca', deployment.caPath, '--profile', profile, '--token-stdin'], apiToken + '\n');
  expect(login.code, `imguard login --token-stdin with the browser's token:\n${login.output}`).toBe(0);
  expect(login.output).toContain('logged in as admin');
  const listed = await runCli(['project', 'list', '--profile', profile]);
  expect(listed.code, `imguard project list with the token:\n${listed.output}`).toBe(0);
  expect(listed.output).toContain(project.name);

  await page.getByRole('button', { name: 'Done' }).click();
  await page.reload();
  await expect(heading(page, 'Account')).toBeVisible();
  await expect(tokenRow.filter({ hasText: 'Active' })).toBeVisible();
  expect(await tokenRow.locator('td:nth-child(6)').innerText(), 'the token shows when it was last used').not.toBe('never');
  await tokenRow.getByRole('button', { name: `Revoke ${tokenName}` }).click();
  await tokenRow.getByRole('button', { name: `Revoke now ${tokenName}` }).click();
  await expect(tokenRow.filter({ hasText: 'Revoked' })).toBeVisible();
  await expect(tokenRow.getByRole('button', { name: /^Revoke/ }), 'a revoked token has no revoke button').toHaveCount(0);
  const refused = await runCli(['project', 'list', '--profile', profile]);
  expect(refused.code, `the CLI is refused after the revocation:\n${refused.output}`).not.toBe(0);
  expect(refused.output).toMatch(/did not accept the credentials/);
});
