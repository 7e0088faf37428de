// (a) A customer tells the chat "I returned my jacket two weeks ago and I'm
// still being charged": the assistant finds the order, opens a dispute, and
// the policy engine resolves it on its own (rule return-delivered: payments
// paused, the merchant asked to refund within 7 days, the customer favoured
// if they stay silent), with a citation of the policy it applied; the
// dispute page shows the paused schedule.
//
// The jacket is arranged through the merchant API (Northwind's demo key) for
// a seeded customer no other test uses, at an amount no seeded order has, so
// the test never depends on what another test did to the showcase orders.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, api, launch, openPage, shooter, staffToken } from './browser.mjs';

const CUSTOMER = 'cus_demo_07';
const AMOUNT = 14937; // $149.37
const daysAgo = (d) => new Date(Date.now() - d * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

let browser;
let orderRef;
before(async () => {
  browser = await launch();
  orderRef = `NOR-E2E-${Date.now() % 1e6}`;
  const key = 'sk_demo_northwind';
  const o = await api('POST', '/v1/merchant/orders', {
    token: key,
    body: {
      merchant_order_ref: orderRef,
      customer_id: CUSTOMER,
      currency: 'USD',
      items: [{ sku: 'NW-JKT-RAIN', name: 'Waterproof rain jacket', quantity: 1, unit_amount: AMOUNT }],
      shipping_amount: 0,
      discount_amount: 0,
      captured_amount: AMOUNT,
      captured_at: daysAgo(30),
      payment_plan: 'pay_in_4',
      expected_delivery_by: daysAgo(24),
    },
  });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  const events = [
    { type: 'shipped', at: daysAgo(29), carrier: 'UPS', tracking_number: '1ZE2E0001' },
    { type: 'delivered', at: daysAgo(27), carrier: 'UPS', tracking_number: '1ZE2E0001' },
    { type: 'return_shipped', at: daysAgo(16), carrier: 'UPS', tracking_number: '1ZE2ER001' },
    { type: 'return_received', at: daysAgo(14), carrier: 'UPS', tracking_number: '1ZE2ER001' },
  ];
  for (const e of events) {
    const r = await api('POST', `/v1/merchant/orders/${o.body.order_id}/events`, { token: key, body: e });
    assert.equal(r.status, 201, `${e.type}: ${JSON.stringify(r.body)}`);
  }
});
after(async () => browser?.close());

test('(a) the returned jacket: auto-resolved in chat with a citation, and the schedule is paused', async () => {
  const { page, problems } = await openPage(browser);
  const shot = shooter('customer-resolution');

  // Sign in as the customer in the demo app.
  await page.goto(`${BASE}/app/`);
  await page.getByRole('button', { name: new RegExp(CUSTOMER) }).click();
  await page.getByRole('heading', { name: 'Purchases' }).waitFor();
  await page.locator('.order-row', { hasText: orderRef }).waitFor();
  await shot(page, 'purchases');

  // Tell the chat.
  await page.getByRole('button', { name: 'Chat with us' }).click();
  const input = page.getByRole('textbox', { name: 'Message' });
  await input.waitFor();
  await page.locator('.chat-mode', { hasText: 'Connected' }).waitFor();
  await input.fill("I returned my jacket two weeks ago and I'm still being charged");
  await shot(page, 'message-typed', false);
  await input.press('Enter');
  await page.locator('.chat-bot').first().waitFor({ timeout: 15_000 });
  await shot(page, 'first-reply', false);

  // Answer the assistant: this jacket (by its amount), yes, and when it went back.
  const said = [];
  for (let i = 0; i < 6 && !(await page.locator('.chat-banner').count()); i++) {
    const bots = await page.locator('.chat-bot').count();
    said.push((await page.locator('.chat-bot .chat-text').last().textContent()) ?? '');
    const buttons = page.locator('.chat-quick button');
    const labels = await buttons.allTextContents();
    let pick = labels.findIndex((l) => l.includes('149.37'));
    if (pick < 0 && /\$\d/.test(said.at(-1)) && !said.at(-1).includes('149.37')) pick = labels.findIndex((l) => /^No/.test(l));
    if (pick < 0) pick = labels.findIndex((l) => /^Yes/.test(l));
    if (pick >= 0) await buttons.nth(pick).click();
    else {
      await input.fill(`I sent it back on ${new Date(daysAgo(16)).toDateString().slice(4, 10)} with UPS, tracking 1ZE2ER001.`);
      await input.press('Enter');
    }
    await page.waitForFunction((n) => document.querySelectorAll('.chat-bot').length > n, bots, { timeout: 15_000 });
    await shot(page, `turn-${i + 1}`, false);
  }

  // The outcome: a dispute, payments paused, a cited policy section.
  const banner = page.locator('.chat-banner', { hasText: 'Dispute opened' });
  await banner.waitFor({ timeout: 15_000 });
  const lastReply = (await page.locator('.chat-bot .chat-text').last().textContent()) ?? '';
  assert.match(lastReply, /paused/i, `the reply says the payments are paused: ${lastReply}`);
  const cite = page.locator('.chat-cites a[href^="/policies/"]').first();
  await cite.waitFor();
  const href = await cite.getAttribute('href');
  assert.match(href, /^\/policies\/[a-z0-9-]+#[0-9.]+$/, `citation ${href}`);
  const policy = await fetch(BASE + href);
  assert.equal(policy.status, 200, `the cited policy ${href} can be read`);
  const [, section] = href.split('#');
  assert.ok((await policy.text()).includes(`id="${section}"`), `the policy page has the cited section ${section}`);
  await shot(page, 'resolved-in-chat', false);

  // The engine decided it, by a versioned rule, citing what it applied.
  const disputeHref = await banner.locator('a').getAttribute('href');
  const disputeId = disputeHref.split('/').pop().split('?')[0];
  const ops = await staffToken('ops@settle.test', 'ops-demo-pass');
  const view = await api('GET', `/v1/ops/disputes/${disputeId}`, { token: ops });
  assert.equal(view.status, 200);
  assert.equal(view.body.reason, 'refund_not_processed');
  assert.equal(view.body.amount, AMOUNT);
  const rule = view.body.decisions.find((d) => d.decided_by === 'rule');
  assert.ok(rule, 'a rule decided the case');
  assert.equal(rule.rule_id, 'return-delivered');
  assert.ok(rule.citations.length > 0, 'the decision cites policy');
  assert.equal(view.body.handoff, null, 'no person was needed');

  // The dispute page: paused schedule, the merchant's deadline in the timeline.
  await banner.locator('a').click();
  await page.getByRole('heading', { name: 'Payment schedule' }).waitFor();
  await page.getByText(orderRef).first().waitFor();
  await page.locator('.schedule').getByText('Payments paused.').waitFor();
  const paused = await page.locator('.schedule tr.is-paused').count();
  assert.ok(paused > 0, 'the schedule shows paused installments');
  await page.getByRole('heading', { name: 'Timeline' }).waitFor();
  await page.getByText(/We asked Northwind Outfitters to respond by/).waitFor();
  await page.getByRole('button', { name: 'Close chat' }).click();
  await shot(page, 'dispute-paused');

  // The purchases list says so too.
  await page.getByRole('link', { name: 'Purchases', exact: true }).click();
  await page.locator('.order-row', { hasText: orderRef }).getByText('Paused').first().waitFor();
  await shot(page, 'purchases-paused');
  assert.deepEqual(problems(), []);
});
