// Projects: creating one from the form, its members, and what its Jobs tab says before there is any data.
import { expect, test } from './support/test';
import { heading, navigate, suffix } from './support/ui';

test('a project created from the form opens with its id in the URL and its image shape', async ({ adminPage: page, deployment }) => {
  await page.goto(deployment.origin + '/');
  await navigate(page, 'Projects');
  await page.getByRole('button', { name: 'New project' }).click();
  const name = `E2E shapes ${suffix(4)}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Description').fill('Created by the browser test');
  await page.getByLabel('Classes').fill('3');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(heading(page, name)).toBeVisible();
  expect(page.url()).toMatch(new RegExp(`^${deployment.origin}/projects/[0-9a-f-]{36}([?#].*)?$`));
  await expect(page.getByText('1×28×28')).toBeVisible();
});

test('members: a user is added, their role changed, and an unknown user refused in place', async ({ adminPage: page, deployment, project, member, browserWatch }) => {
  browserWatch.allow(/^404 POST \/api\/projects\/[0-9a-f-]+\/members$/);
  await page.goto(`${deployment.origin}/projects/${project.id}`);
  await expect(heading(page, project.name)).toBeVisible();
  await page.getByRole('tab', { name: 'Members' }).click();
  await page.getByLabel('User name').fill(member.userName);
  await page.getByLabel('Role', { exact: true }).selectOption('Contributor');
  await page.getByRole('button', { name: 'Add member' }).click();
  const role = page.getByLabel(`Role of ${member.userName}`);
  await expect(role).toHaveValue('Contributor');
  await role.selectOption('Viewer');
  await expect(role).toHaveValue('Viewer');
  // Stays changed when the page is read again from the platform.
  await page.reload();
  await page.getByRole('tab', { name: 'Members' }).click();
  await expect(page.getByLabel(`Role of ${member.userName}`)).toHaveValue('Viewer');
  await page.getByLabel('User name').fill(`nobody-${member.userName}`);
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.locator('form').getByRole('alert')).toBeVisible();
});

test('before any dataset the Jobs tab says what a job needs and explains the hiding trade-off', async ({ adminPage: page, deployment, project }) => {
  await page.goto(`${deployment.origin}/projects/${project.id}`);
  await expect(heading(page, project.name)).toBeVisible();
  await page.getByRole('tab', { name: 'Jobs' }).click();
  await expect(page.getByText('No training jobs yet.')).toBeVisible();
  await expect(page.getByText('A job needs a Ready training dataset')).toBeVisible();
  await expect(page.getByText(/Larger k hides better/)).toBeVisible();
});
