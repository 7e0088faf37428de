// The agent console: a customer asks for a person in chat; the handoff
// appears in the live queue; the agent reads the packet and transcript,
// claims the case, writes to the customer (who receives it in their chat),
// searches the policies, and records a partial refund. Plus keyboard use and
// the queue's empty and error-free states.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, api, customerToken, launch, openPage, shooter } from './browser.mjs';

const CUSTOMER = 'cus_demo_05';
const AMOUNT = 34937; // $349.37
const daysAgo = (d) => new Date(Date.now() - d * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function arrangeOrder() {
  const key = 'sk_demo_voltline';
  const ref = `VOL-E2E-${Date.now() % 1e6}`;
  const o = await api('POST', '/v1/merchant/orders', {
    token: key,
    body: {
      merchant_order_ref: ref,
      customer_id: CUSTOMER,
      currency: 'USD',
      items: [{ sku: 'VL-CAM-4K', name: '4K action camera', quantity: 1, unit_amount: AMOUNT }],
      shipping_amount: 0,
      discount_amount: 0,
      captured_amount: AMOUNT,
      captured_at: daysAgo(6),
      payment_plan: 'pay_in_4',
      expected_delivery_by: daysAgo(1),
    },
  });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  for (const e of [
    { type: 'shipped', at: daysAgo(5), carrier: 'UPS', tracking_number: '1ZE2EC001' },
    { type: 'delivered', at: daysAgo(3), carrier: 'UPS', tracking_number: '1ZE2EC001' },
  ]) {
    const r = await api('POST', `/v1/merchant/orders/${o.body.order_id}/events`, { token: key, body: e });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  return ref;
}

/** The customer chats until a dispute is open on the camera, then asks for a person. */
async function customerAsksForAPerson(token) {
  const conv = (await api('POST', '/v1/conversations', { token, body: {} })).body.conversation_id;
  const say = async (text) => {
    const r = await api('POST', `/v1/conversations/${conv}/messages`, { token, body: { text } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  let out = await say("I don't recognise the camera charge, I never bought it");
  let dispute = out.dispute;
  for (let i = 0; i < 5 && !dispute; i++) {
    const quick = out.replies.flatMap((r) => r.quick_replies ?? []);
    const text = out.replies.map((r) => r.text).join(' ');
    let q = quick.find((x) => x.label.includes('349.37'));
    if (!q && /\$\d/.test(text) && !text.includes('349.37')) q = quick.find((x) => /^No/.test(x.label));
    if (!q) q = quick.find((x) => /^Yes/.test(x.label));
    out = await say(q ? q.payload : 'I have never shopped at Voltline Electronics.');
    dispute = out.dispute;
  }
  assert.ok(dispute, 'the chat opened a dispute');
  out = await say('I want to talk to a person please');
  assert.ok(out.handoff, 'the chat handed the case to a person');
  return { conv, disputeId: dispute.id };
}

async function signIn(page) {
  await page.goto(`${BASE}/agent/queue`);
  await page.getByRole('heading', { name: 'Sign in to the agent console' }).waitFor();
  await page.getByLabel('Email').fill('agent@settle.test');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('Password').fill('agent-demo-pass');
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { name: 'Queue' }).waitFor();
}

test('a chat handed to a person: live queue, packet, takeover, policy search, decision', async () => {
  const ref = await arrangeOrder();
  const { page, problems } = await openPage(browser);
  const shot = shooter('agent-console');
  await signIn(page);
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  await shot(page, 'queue');

  // The customer asks for a person while the agent watches.
  const token = await customerToken(CUSTOMER);
  const { conv, disputeId } = await customerAsksForAPerson(token);
  const link = page.locator(`table.queue a[href="/agent/cases/${disputeId}"]`);
  await link.waitFor({ timeout: 15_000 });
  const row = page.locator('table.queue tbody tr', { has: page.locator(`a[href="/agent/cases/${disputeId}"]`) });
  await row.getByText('Customer request').waitFor();
  await row.getByText('$349.37').waitFor();
  await shot(page, 'queue-new-handoff');

  // Open the case before claiming: the packet is there, writing is not.
  await link.click();
  await page.getByRole('heading', { name: 'Summary' }).waitFor();
  await page.getByRole('button', { name: 'Claim this case' }).waitFor();
  const transcript = page.getByRole('list', { name: 'Transcript' });
  await transcript.getByText("I don't recognise the camera charge, I never bought it").waitFor();
  assert.equal(await page.getByLabel('Message to the customer').isDisabled(), true, 'no writing before the claim');
  await page.getByText(ref).first().waitFor();
  await page.locator('table.plan').getByText('Paused').first().waitFor();
  await page.locator('a[href^="/policies/"]').first().waitFor();
  await shot(page, 'case-unclaimed');

  // Claim, then write to the customer.
  await page.getByRole('button', { name: 'Claim this case' }).click();
  await page.getByText('You own this case').waitFor();
  const hello = 'Hi, I am Sam from the disputes team. I can see the camera order; did anyone else have access to your account?';
  await page.getByLabel('Message to the customer').fill(hello);
  await page.getByLabel('Message to the customer').press('Enter');
  await page.locator('.msg-mine', { hasText: 'I am Sam' }).waitFor();
  const seen = (await api('GET', `/v1/conversations/${conv}`, { token })).body.messages;
  assert.ok(
    seen.some((m) => m.role === 'agent' && m.text === hello),
    'the customer has the agent message',
  );
  // The customer answers; the agent sees it without a reload.
  await api('POST', `/v1/conversations/${conv}/messages`, { token, body: { text: 'No, nobody else uses my account.' } });
  await transcript.getByText('No, nobody else uses my account.').waitFor({ timeout: 10_000 });
  await shot(page, 'chat-takeover');

  // Policy search, by keyboard.
  const search = page.getByRole('searchbox', { name: 'Search the policies' });
  await search.fill('charge I do not recognise');
  await search.press('Enter');
  const result = page.locator('.knowledge .result a[href^="/policies/"]').first();
  await result.waitFor();
  const href = await result.getAttribute('href');
  assert.equal((await fetch(BASE + href)).status, 200, `the result ${href} opens`);
  await shot(page, 'policy-search');

  // Decide: a partial refund. The form checks the amount first.
  await page.getByLabel('Partly').check();
  await page.getByLabel('Note', { exact: true }).fill('Customer confirmed nobody else had access; merchant shows delivery. Half refunded as goodwill.');
  await page.getByLabel(/Amount to refund/).fill('400');
  await page.getByRole('button', { name: 'Record decision' }).click();
  await page.getByRole('alert').filter({ hasText: 'less than' }).waitFor();
  await page.getByLabel(/Amount to refund/).fill('174.68');
  await page.getByRole('button', { name: 'Record decision' }).click();
  await page.getByText('Decision recorded.').waitFor();
  await page.locator('.decision-panel').getByText('$174.68').waitFor();
  await page.getByText('This handoff is closed.').waitFor();
  await shot(page, 'decided');
  const d = (await api('GET', `/v1/disputes/${disputeId}`, { token })).body;
  assert.equal(d.outcome, 'partial');
  assert.equal(d.outcome_amount, 17468);

  // Back in the queue the case is gone.
  await page.getByRole('link', { name: '← Queue' }).click();
  await page.getByRole('heading', { name: 'Queue' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  assert.equal(await page.locator(`table.queue a[href="/agent/cases/${disputeId}"]`).count(), 0);
  assert.deepEqual(problems(['401 (Unauthorized)']), []);
});

test('keyboard: skip link, navigation and the policy search page', async () => {
  const { page, problems } = await openPage(browser);
  const shot = shooter('agent-keyboard');
  await page.goto(`${BASE}/agent/login`);
  await page.getByLabel('Email').fill('agent@settle.test');
  await page.keyboard.press('Tab');
  await page.keyboard.type('agent-demo-pass');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Queue' }).waitFor();
  // A navigation moves focus to the page's heading; the header is behind it.
  const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), 'Sign out');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), 'Skip to content', 'the skip link comes first');
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  assert.equal(await focused(), 'Policy search');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Policy search' }).waitFor();
  await page.getByRole('searchbox', { name: 'Search the policies' }).focus();
  await page.keyboard.type('xyzzy plugh');
  await page.keyboard.press('Enter');
  // Nonsense may still have nearest sections (the vector ranking always
  // answers): either a result list or the empty state is fine here.
  await page.locator('.result').first().or(page.getByText('No policy section matches')).first().waitFor();
  await page.getByRole('searchbox', { name: 'Search the policies' }).fill('late fee while payments are paused');
  await page.keyboard.press('Enter');
  await page.locator('.result').first().waitFor();
  assert.match(page.url(), /\/agent\/search\?q=late/);
  await shot(page, 'search-page');
  assert.deepEqual(problems(), []);
});
