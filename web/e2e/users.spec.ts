// The administrator's Users page: its layout, and resetting a user's password (who then signs in with the new one).
import { expect, test } from './support/test';
import { navigate, signIn } from './support/ui';

test('each role select shows its longest option whole', async ({ adminPage: page, deployment, member }) => {
  await page.goto(deployment.origin + '/');
  await navigate(page, 'Users');
  await expect(page.getByRole('row').filter({ hasText: member.userName })).toBeVisible();
  // (It was cut off at 1280 px.)
  const clipped = await page.locator('.table select').evaluateAll(selects => selects.length === 0 ? ['no role select'] : selects.flatMap(element => {
    const select = element as HTMLSelectElement;
    const probe = document.createElement('span');
    probe.style.cssText = `font: ${getComputedStyle(select).font}; position: absolute; white-space: pre;`;
    document.body.append(probe);
    const widest = Math.max(...[...select.options].map(o => { probe.textContent = o.text; return probe.getBoundingClientRect().width; }));
    probe.remove();
    const style = getComputedStyle(select);
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return room >= widest ? [] : [`${select.getAttribute('aria-label')}: ${room} px for ${widest} px`];
  }));
  expect(clipped, 'role selects not clipped').toEqual([]);
});

test('the admin resets a user\'s password; the user signs in with the new one', async ({ adminPage: page, page: theirs, deployment, newUser }) => {
  await page.goto(deployment.origin + '/');
  await navigate(page, 'Users');
  const row = page.getByRole('row').filter({ hasText: newUser.userName });
  await row.getByRole('button', { name: `Reset password ${newUser.userName}` }).click();
  await expect(row.getByText(`Give ${newUser.userName} a new generated password?`)).toBeVisible();
  await row.getByRole('button', { name: `Reset now ${newUser.userName}` }).click();
  const field = page.getByLabel(`Password for ${newUser.userName}`, { exact: true });
  await expect(field).toBeVisible();
  const newPassword = await field.inputValue();
  expect(newPassword.length, 'a generated password is shown').toBeGreaterThanOrEqual(12);
  expect(newPassword).not.toBe(newUser.password);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(field).toHaveCount(0);

  // The user, in a browser of their own (the test's fresh context).
  await signIn(theirs, deployment.origin, newUser.userName, newPassword);
  await expect(theirs.locator('.whoami')).toContainText(newUser.userName);
  await theirs.getByRole('button', { name: 'Sign out' }).click();
  await expect(theirs.getByText('You have signed out.')).toBeVisible();
});
