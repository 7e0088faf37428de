// (c) Ops review an automated outcome and overturn it; the dispute comes back
// to the agent queue, live, in the agent console (no reload), where an agent
// claims it and decides it again. Also: the recordings list and a replay with
// its hash-chain check.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, api, customerToken, launch, openPage, shooter, staffToken } from './browser.mjs';

// Closing the queue's event stream (leaving the page) aborts its request.
const CUSTOMER = 'cus_demo_09';
const daysAgo = (d) => new Date(Date.now() - d * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** An order the merchant cancelled without refunding, disputed: the engine refunds it at once. */
async function autoResolvedDispute() {
  const key = 'sk_demo_stride';
  const ref = `STR-E2E-${Date.now() % 1e6}`;
  const o = await api('POST', '/v1/merchant/orders', {
    token: key,
    body: {
      merchant_order_ref: ref,
      customer_id: CUSTOMER,
      currency: 'USD',
      items: [{ sku: 'STR-BOOT-9', name: 'Leather Chelsea boots', quantity: 1, unit_amount: 18911 }],
      shipping_amount: 0,
      discount_amount: 0,
      captured_amount: 18911,
      captured_at: daysAgo(12),
      payment_plan: 'pay_in_4',
      expected_delivery_by: daysAgo(4),
    },
  });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  const ev = await api('POST', `/v1/merchant/orders/${o.body.order_id}/events`, { token: key, body: { type: 'cancelled', at: daysAgo(11) } });
  assert.equal(ev.status, 201, JSON.stringify(ev.body));
  const d = await api('POST', '/v1/disputes', {
    token: await customerToken(CUSTOMER),
    body: { order_id: o.body.order_id, reason: 'refund_not_processed', sub_reason: 'cancelled_not_refunded', description: 'I cancelled the boots the next day and was never refunded.' },
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  return { disputeId: d.body.id, ref };
}

async function signInOps(page) {
  await page.goto(`${BASE}/ops/`);
  await page.getByLabel('Email').fill('ops@settle.test');
  await page.getByLabel('Password').fill('ops-demo-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Automated outcomes' }).waitFor();
}

async function signInAgent(page) {
  await page.goto(`${BASE}/agent/`);
  await page.getByRole('heading', { name: 'Sign in to the agent console' }).waitFor();
  await page.getByLabel('Email').fill('agent@settle.test');
  await page.getByLabel('Password').fill('agent-demo-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Queue' }).waitFor();
}

test('(c) ops overturn an automated outcome; the case reappears live in the agent queue', async () => {
  const { disputeId } = await autoResolvedDispute();
  const opsToken = await staffToken('ops@settle.test', 'ops-demo-pass');
  const outcome = (await api('GET', '/v1/ops/outcomes?decided_by=rule', { token: opsToken })).body.outcomes.find((o) => o.dispute_id === disputeId);
  assert.ok(outcome, 'the engine resolved the dispute');
  assert.equal(outcome.rule_id, 'cancelled-not-refunded');
  assert.equal(outcome.outcome, 'customer_favor');

  // The agent watches the queue.
  const agent = await openPage(browser);
  const agentShot = shooter('ops-review-agent');
  await signInAgent(agent.page);
  await agent.page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  const caseLink = agent.page.locator(`table.queue a[href="/agent/cases/${disputeId}"]`);
  assert.equal(await caseLink.count(), 0, 'an auto-resolved dispute is not in the queue');
  await agentShot(agent.page, 'queue-before');

  // Ops review the outcome and overturn it.
  const ops = await openPage(browser);
  const opsShot = shooter('ops-review');
  await signInOps(ops.page);
  const row = ops.page.locator('table.outcomes tbody tr', { has: ops.page.locator(`a[href="/ops/disputes/${disputeId}"]`) });
  await row.waitFor();
  await row.getByText('cancelled-not-refunded').waitFor();
  await row.getByText('Customer favor').waitFor();
  await opsShot(ops.page, 'outcomes');
  await row.getByRole('button', { name: 'Review' }).click();
  const form = ops.page.locator(`#review-${outcome.decision_id}`);
  const note = 'The store says the boots were delivered before the cancellation went through; an agent should check.';
  await form.getByLabel(/Note/).fill(note);
  await opsShot(ops.page, 'overturn-note', false);
  await form.getByRole('button', { name: 'Overturn and reopen' }).click();
  await row.getByText('Overturned').waitFor();
  await opsShot(ops.page, 'overturned');

  // The agent's queue shows it without a reload.
  await caseLink.waitFor({ timeout: 15_000 });
  const qrow = agent.page.locator('table.queue tbody tr', { has: agent.page.locator(`a[href="/agent/cases/${disputeId}"]`) });
  await qrow.getByText('Review overturned', { exact: true }).waitFor();
  await qrow.getByText('$189.11').waitFor();
  await qrow.getByText('Refund not received').waitFor();
  await agentShot(agent.page, 'queue-after-overturn');

  // The agent claims it and sees why it came back.
  await qrow.getByRole('button', { name: /^Claim/ }).click();
  await agent.page.waitForURL(`**/agent/cases/${disputeId}`);
  await agent.page.getByText('You own this case').waitFor();
  await agent.page.getByText(note).first().waitFor();
  await agent.page.getByText('Overturned by ops').waitFor();
  await agent.page.getByRole('heading', { name: 'Order and plan' }).waitFor();
  const paused = agent.page.locator('table.plan').getByText('Paused');
  assert.ok((await paused.count()) > 0, 'the overturn paused the plan again');
  await agentShot(agent.page, 'case-claimed');

  // And decides it again.
  await agent.page.getByLabel('In the merchant’s favour').check();
  await agent.page.getByLabel('Note', { exact: true }).fill('Carrier confirms delivery on the day of the cancellation; the order was not cancelled in time.');
  await agent.page.getByRole('button', { name: 'Record decision' }).click();
  await agent.page.getByText('Decision recorded.').waitFor();
  await agent.page.locator('.decision-panel').getByText('Closed merchant favor').waitFor();
  await agentShot(agent.page, 'decided');

  // Ops see the agent's decision and a verifying audit trail.
  await ops.page.goto(`${BASE}/ops/outcomes?decided_by=agent`);
  const agentRow = ops.page.locator('table.outcomes tbody tr', { has: ops.page.locator(`a[href="/ops/disputes/${disputeId}"]`) });
  await agentRow.getByText('Merchant favor').waitFor();
  await agentRow.locator(`a[href="/ops/disputes/${disputeId}"]`).click();
  await ops.page.getByRole('heading', { name: 'Audit log' }).waitFor();
  await ops.page.getByText('Hash chain verifies').waitFor();
  const audit = ops.page.locator('table.audit');
  for (const t of ['Reopened', 'Escalated', 'Claimed', 'Agent decision']) await audit.getByText(t, { exact: true }).first().waitFor();
  await opsShot(ops.page, 'audit');

  assert.deepEqual(agent.problems(), []);
  assert.deepEqual(ops.problems(), []);
});

test('recordings: the list, and a replay with its hash-chain check', async () => {
  const { page, problems } = await openPage(browser);
  const shot = shooter('ops-recordings');
  await signInOps(page);
  await page.getByRole('link', { name: 'Recordings', exact: true }).click();
  await page.getByRole('heading', { name: 'Screen-share recordings' }).waitFor();
  const rows = page.locator('table.recordings tbody tr');
  await Promise.race([rows.first().waitFor(), page.getByText('No screen shares have been recorded yet.').waitFor()]);
  await shot(page, 'list');
  const ops = await staffToken('ops@settle.test', 'ops-demo-pass');
  const recs = (await api('GET', '/v1/ops/recordings', { token: ops })).body.recordings;
  const rec = recs.find((r) => r.events > 0 && !r.purged_at);
  if (rec) {
    await page.locator(`a[href="/ops/recordings/${rec.session_id}"]`).click();
    await page.getByRole('heading', { name: 'Replay' }).waitFor();
    await page.getByText(rec.verified ? 'Hash chain verifies' : 'Hash chain broken').first().waitFor();
    await page.waitForTimeout(500);
    await shot(page, 'replay');
  }
  // Filtering by a dispute with no screen share shows the empty state.
  await page.goto(`${BASE}/ops/recordings?dispute_id=dsp_none`);
  await page.getByText('No screen shares for this dispute.').waitFor();
  await shot(page, 'filtered-empty', false);
  assert.deepEqual(problems(), []);
});
