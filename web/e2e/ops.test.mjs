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

  // Rates over time: auto-resolution, escalation and overturn, as lines.
  const rates = page.locator('section', { has: page.getByRole('heading', { name: 'Rates by day' }) });
  for (const name of ['Auto-resolved', 'Escalated', 'Overturned']) await rates.locator('.legend').getByText(name, { exact: true }).waitFor();
  assert.ok((await rates.locator('polyline.chart-line, circle.chart-dot').count()) > 0, 'the rate lines are drawn');
  // The first test overturned an outcome today: today's overturn rate is in the numbers.
  const today = new Date().toISOString().slice(0, 10);
  const todayRow = rates.locator('tbody tr', { has: page.locator('th', { hasText: today }) });
  assert.equal(await todayRow.count(), 1, "today's row in the rates table");
  assert.match((await todayRow.locator('td').nth(2).textContent()) ?? '', /%/, "today's overturn rate");

  // Time to resolution: a histogram with seven buckets, overall and per reason.
  const ttr = page.locator('section', { has: page.getByRole('heading', { name: 'Time to resolution' }) });
  await ttr.getByText(/Median .* 90th percentile/).waitFor();
  await ttr.locator('svg.chart').waitFor();
  assert.equal(await ttr.locator('svg.chart rect.chart-bar').count(), 7, 'seven buckets');
  assert.match((await ttr.locator('svg.chart').getAttribute('aria-label')) ?? '', /< 1 h \d+.*> 30 days \d+/, 'the histogram reads as text');
  await ttr.getByLabel('Reason').selectOption('refund_not_processed');
  await ttr.getByRole('figure').getByText('(Refund not processed)').waitFor();

  // Overturn rate per rule, with the counts behind it.
  const rules = page.locator('section', { has: page.getByRole('heading', { name: 'Overturn rate per rule' }) });
  await rules.locator('svg.chart').waitFor();
  assert.match((await rules.locator('svg.chart').getAttribute('aria-label')) ?? '', /\d+% \(\d+ of \d+\)/);

  // Merchants: every merchant with orders, its rate against the overall one.
  const merchants = page.locator('section', { has: page.getByRole('heading', { name: 'Merchants with unusual dispute rates' }) });
  await merchants.getByText(/Across all merchants:/).waitFor();
  await merchants.getByRole('status').waitFor();
  assert.ok((await merchants.locator('table.merchants tbody tr').count()) >= 2, 'merchant rows');
  await merchants.locator('svg.chart .chart-ref').waitFor();
  assert.ok((await page.locator('svg.chart').count()) >= 6, 'rates, daily, histogram, rule, handoff and merchant charts');
  // Every chart has its numbers as a table.
  assert.equal(await page.locator('figure.chart-figure').count(), await page.locator('figure.chart-figure details table').count());
  await shot(page, 'metrics');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'metrics-viewport', false);

  // A period with nothing in it: the empty states.
  await page.getByLabel('From', { exact: true }).fill('2020-01-01');
  await page.getByLabel('To', { exact: true }).fill('2020-01-15');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/from=2020-01-01/);
  await rates.getByText('No disputes in this period.').waitFor();
  await ttr.getByText('No disputes in this period.').waitFor();
  await rules.getByText('No rule resolved a dispute in this period.').waitFor();
  await merchants.getByText('No merchant has orders in this period.').waitFor();
  await shot(page, 'metrics-empty');

  // A bad period: the API's message, and a way to try again.
  await page.goto(`${BASE}/ops/metrics?from=2026-02-01&to=2026-01-01`);
  await page.getByRole('alert').getByText('from must be before to').waitFor();
  await page.getByRole('button', { name: 'Try again' }).waitFor();
  await shot(page, 'metrics-error', false);
  assert.deepEqual(problems(['400 (Bad Request)']), []);
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
