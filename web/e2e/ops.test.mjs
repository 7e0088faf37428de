// The ops console: sign in, review automated outcomes (agree, overturn with a
// note), filter them, open a dispute's audit log, read the metrics, switch a
// rule to "propose only" and back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, api, customerToken, launch, openPage, shooter, staffToken } from './browser.mjs';

let browser;
before(async () => {
  browser = await launch();
  await arrangeOutcomes(3);
});
after(async () => browser?.close());

/**
 * Opens disputes that the engine settles at once (an order the merchant
 * cancelled without a refund), for customers the customer tests leave alone.
 */
async function arrangeOutcomes(want) {
  const ops = await staffToken('ops@settle.test', 'ops-demo-pass');
  const have = async () => (await api('GET', '/v1/ops/outcomes', { token: ops })).body.outcomes.length;
  const customers = (await api('GET', '/v1/demo/customers')).body.customers.slice(10);
  for (const c of customers) {
    if ((await have()) >= want) return;
    const token = await customerToken(c.customer_id);
    const orders = (await api('GET', '/v1/me/orders?limit=100', { token })).body.orders;
    for (const o of orders.filter((o) => o.events.some((e) => e.type === 'cancelled'))) {
      await api('POST', '/v1/disputes', { token, body: { order_id: o.order_id, reason: 'refund_not_processed', sub_reason: 'cancelled_not_refunded', description: 'Cancelled, never refunded.' } });
    }
  }
  assert.ok((await have()) >= want, `at least ${want} automated outcomes to review`);
}

async function signIn(page) {
  await page.goto(`${BASE}/ops/`);
  await page.getByLabel('Email').fill('ops@settle.test');
  await page.getByLabel('Password').fill('ops-demo-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Automated outcomes' }).waitFor();
}

test('sign in, review outcomes, open the audit log', async () => {
  const { page, problems } = await openPage(browser);
  const shot = shooter('ops-outcomes');
  await page.goto(`${BASE}/ops/outcomes`);
  await page.getByRole('heading', { name: 'Sign in to the ops console' }).waitFor();
  await page.getByLabel('Email').fill('ops@settle.test');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await shot(page, 'login-error', false);
  await page.getByLabel('Password').fill('ops-demo-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Automated outcomes' }).waitFor();
  const rows = page.locator('table.outcomes tbody tr');
  await rows.first().waitFor();
  await shot(page, 'outcomes');

  // Agree with the first.
  await page.getByRole('button', { name: 'Review' }).first().click();
  await page.getByRole('button', { name: 'Agree' }).click();
  await page.locator('table.outcomes').getByText('Agreed').first().waitFor();

  // Overturning needs a note.
  await page.getByRole('button', { name: 'Review' }).first().click();
  await page.getByRole('button', { name: 'Overturn and reopen' }).click();
  await page.getByRole('alert').filter({ hasText: 'note' }).waitFor();
  await shot(page, 'overturn-needs-note', false);
  await page.locator('.review-form textarea').fill('The merchant refunded this in store; the customer was paid twice.');
  await page.getByRole('button', { name: 'Overturn and reopen' }).click();
  await page.locator('table.outcomes').getByText('Overturned').first().waitFor();
  await shot(page, 'reviewed');

  await page.getByLabel('Reason').selectOption('refund_not_processed');
  await page.getByLabel('Decided by').selectOption('rule');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/reason=refund_not_processed/);
  await rows.first().waitFor();
  await page.getByLabel('Reason').selectOption('unauthorized');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByText('No outcomes match these filters.').waitFor();
  await shot(page, 'filtered-empty', false);
  await page.getByRole('button', { name: 'Clear' }).click();
  await rows.first().waitFor();

  const overturned = page.locator('table.outcomes tbody tr', { hasText: 'Overturned' }).first();
  await overturned.locator('a[href^="/ops/disputes/"]').click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  await page.getByText('Hash chain verifies').waitFor();
  await page.locator('table.audit').getByText('Reopened').waitFor();
  await shot(page, 'audit');
  assert.deepEqual(problems(['401 (Unauthorized)']), []);
});

test('metrics draw their charts', async () => {
  const { page, problems } = await openPage(browser);
  const shot = shooter('ops-metrics');
  await signIn(page);
  await page.getByRole('link', { name: 'Metrics', exact: true }).click();
  await page.getByText('Disputes submitted').waitFor();
  await page.locator('svg.chart').first().waitFor();
  assert.ok((await page.locator('svg.chart').count()) >= 4, 'rates, daily, handoff and merchant charts');
  await shot(page, 'metrics');
  assert.deepEqual(problems(), []);
});

test('switch a rule to propose only and back', async () => {
  const { page, problems } = await openPage(browser);
  const shot = shooter('ops-rules');
  await signIn(page);
  await page.getByRole('link', { name: 'Rules', exact: true }).click();
  const row = page.locator('tbody tr', { hasText: 'small-amount' });
  await row.waitFor();
  await row.getByText('Propose only').click();
  await row.getByText('Saved').waitFor();
  await shot(page, 'propose-only');
  const ops = await staffToken('ops@settle.test', 'ops-demo-pass');
  const mode = async () => (await api('GET', '/v1/ops/rules', { token: ops })).body.rules.find((r) => r.rule_id === 'small-amount').mode;
  assert.equal(await mode(), 'propose_only');
  await row.getByText('Auto', { exact: true }).click();
  await row.getByText('Saved').waitFor();
  await page.waitForTimeout(200);
  assert.equal(await mode(), 'auto');
  assert.deepEqual(problems(), []);
});
