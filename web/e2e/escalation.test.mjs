// Escalation end to end, across the customer app and the agent console:
// (b) "I never bought this" in the app's chat → a person takes the case →
//     screen share (the request reaches the open chat socket)
//     from the case, with consent → the card page reaches the agent with the
//     number masked → ended → decided;
// (d) phone support: the customer taps "Share my screen" and reads out the
//     code; the agent joins with it and sees the app redacted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, api, customerToken, launch, openPage, shooter, staffToken } from './browser.mjs';

// rrweb's replayer re-dispatches the customer's mousedown and mouseup as DOM
// events inside the replay iframe; Chromium logs each as script it blocked
// there (the iframe is sandboxed without allow-scripts, and the replayed page
// holds no script or on* attribute). The sandbox doing its job; nothing runs.
const daysAgo = (d) => new Date(Date.now() - d * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** A delivered order the customer will say they never made. */
async function arrangeOrder(customerId, amount) {
  const key = 'sk_demo_voltline';
  const ref = `VOL-ESC-${customerId.slice(-2)}-${Date.now() % 1e6}`;
  const o = await api('POST', '/v1/merchant/orders', {
    token: key,
    body: {
      merchant_order_ref: ref,
      customer_id: customerId,
      currency: 'USD',
      items: [{ sku: 'VL-DRONE', name: 'Folding camera drone', quantity: 1, unit_amount: amount }],
      shipping_amount: 0,
      discount_amount: 0,
      captured_amount: amount,
      captured_at: daysAgo(6),
      payment_plan: 'pay_in_4',
      expected_delivery_by: daysAgo(1),
    },
  });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  for (const e of [
    { type: 'shipped', at: daysAgo(5), carrier: 'UPS', tracking_number: `1ZESC${customerId.slice(-2)}` },
    { type: 'delivered', at: daysAgo(3), carrier: 'UPS', tracking_number: `1ZESC${customerId.slice(-2)}` },
  ]) {
    const r = await api('POST', `/v1/merchant/orders/${o.body.order_id}/events`, { token: key, body: e });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  return ref;
}

/** The customer says they never bought it, answers the bot, and asks for a person. */
async function neverBoughtThis(token, amountText) {
  const conv = (await api('POST', '/v1/conversations', { token, body: {} })).body.conversation_id;
  const say = async (text) => {
    const r = await api('POST', `/v1/conversations/${conv}/messages`, { token, body: { text } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  let out = await say('I never bought this drone from Voltline, I do not recognise the charge');
  let dispute = out.dispute;
  for (let i = 0; i < 5 && !dispute; i++) {
    const quick = out.replies.flatMap((r) => r.quick_replies ?? []);
    const text = out.replies.map((r) => r.text).join(' ');
    let q = quick.find((x) => x.label.includes(amountText));
    if (!q && /\$\d/.test(text) && !text.includes(amountText)) q = quick.find((x) => /^No/.test(x.label));
    if (!q) q = quick.find((x) => /^Yes/.test(x.label));
    out = await say(q ? q.payload : 'I have never shopped at Voltline Electronics.');
    dispute = out.dispute;
  }
  assert.ok(dispute, 'the chat opened a dispute');
  if (!out.handoff) out = await say('I want to talk to a person please');
  assert.ok(out.handoff, 'the chat handed the case to a person');
  return { conv, disputeId: dispute.id, handoffId: out.handoff.id };
}

async function endOpenSessions(token) {
  const { body } = await api('GET', '/v1/me/cobrowse/sessions', { token });
  for (const s of body.sessions) if (s.status !== 'ended') await api('POST', `/v1/cobrowse/sessions/${s.session_id}/end`, { token });
}

async function customerApp(name, opts = { width: 1100, height: 800 }) {
  const p = await openPage(browser, opts);
  await p.page.goto(`${BASE}/app/`);
  await p.page.getByRole('button', { name: new RegExp(name) }).click();
  await p.page.getByRole('heading', { name: 'Purchases' }).waitFor();
  return p;
}

async function agentConsole() {
  const p = await openPage(browser, { width: 1400, height: 1300 });
  await p.page.goto(`${BASE}/agent/login`);
  await p.page.getByLabel('Email').fill('agent@settle.test');
  await p.page.getByLabel('Password').fill('agent-demo-pass');
  await p.page.getByRole('button', { name: 'Sign in' }).click();
  await p.page.getByRole('heading', { name: 'Queue' }).waitFor();
  return p;
}

/** The replayed page inside the viewer's iframe. */
async function replayed(page) {
  const frame = page.frameLocator('.cb-stage iframe');
  return { frame, html: await frame.locator('html').evaluate((n) => n.outerHTML) };
}

function digitsOnly(s) {
  return s.replace(/\D/g, '');
}

test('(b) never bought it: escalation, the agent claims it, screen share with consent shows the card masked, then decides', async () => {
  const shot = shooter('escalation-card');
  const customer = (await api('GET', '/v1/demo/customers')).body.customers.find((c) => c.customer_id === 'cus_demo_06');
  const token = await customerToken(customer.customer_id);
  await endOpenSessions(token);
  await arrangeOrder(customer.customer_id, 61999);

  // The customer says so in the app's chat.
  const cust = await customerApp(customer.name);
  await cust.page.getByRole('button', { name: 'Chat with us' }).click();
  const input = cust.page.getByRole('textbox', { name: 'Message' });
  await cust.page.locator('.chat-mode', { hasText: 'Connected' }).waitFor();
  await input.fill('I never bought this drone from Voltline, I do not recognise the charge');
  await input.press('Enter');
  await cust.page.locator('.chat-bot').first().waitFor({ timeout: 15_000 });
  for (let i = 0; i < 6 && !(await cust.page.locator('.chat-banner', { hasText: 'Dispute opened' }).count()); i++) {
    const bots = await cust.page.locator('.chat-bot').count();
    const said = (await cust.page.locator('.chat-bot .chat-text').last().textContent()) ?? '';
    const buttons = cust.page.locator('.chat-quick button');
    const labels = await buttons.allTextContents();
    let pick = labels.findIndex((l) => l.includes('619.99'));
    if (pick < 0 && /\$\d/.test(said) && !said.includes('619.99')) pick = labels.findIndex((l) => /^No/.test(l));
    if (pick < 0) pick = labels.findIndex((l) => /^Yes/.test(l));
    if (pick >= 0) await buttons.nth(pick).click();
    else {
      await input.fill('I have never shopped at Voltline Electronics.');
      await input.press('Enter');
    }
    await cust.page.waitForFunction((n) => document.querySelectorAll('.chat-bot').length > n, bots, { timeout: 15_000 });
  }
  const opened = cust.page.locator('.chat-banner a[href^="/app/disputes/"]').first();
  await opened.waitFor({ timeout: 15_000 });
  const disputeId = (await opened.getAttribute('href')).split('/').pop().split('?')[0];
  await shot(cust.page, 'customer-chat-dispute', false);
  const lines = await cust.page.locator('.chat-log > *').count();
  await input.fill('I want to talk to a person please');
  await input.press('Enter');
  await cust.page.waitForFunction((n) => document.querySelectorAll('.chat-log > *').length > n + 1, lines, { timeout: 15_000 });
  await shot(cust.page, 'customer-chat-escalated', false);

  // They look at their card while they wait (the chat stays open).
  await cust.page.getByRole('link', { name: 'Card', exact: true }).click();
  const numberField = cust.page.locator('input[autocomplete="cc-number"]');
  await numberField.waitFor();
  const number = digitsOnly(await numberField.inputValue());
  const cvc = await cust.page.locator('input[autocomplete="cc-csc"]').inputValue();
  assert.match(number, /^\d{16}$/);

  // The agent takes the case from the queue.
  const agent = await agentConsole();
  const link = agent.page.locator(`table.queue a[href="/agent/cases/${disputeId}"]`);
  await link.waitFor({ timeout: 15_000 });
  await link.click();
  await agent.page.getByRole('heading', { name: 'Summary' }).waitFor();
  await agent.page.getByRole('button', { name: 'Claim this case' }).click();
  await agent.page.getByText('You own this case').waitFor();
  await shot(agent.page, 'agent-packet');

  // Screen share from the case; the customer is asked in the app.
  const panel = agent.page.locator('.cobrowse-panel');
  await panel.getByRole('button', { name: 'Start screen share' }).click();
  await panel.getByText('Waiting for the customer to accept').waitFor();
  const dialog = cust.page.getByRole('dialog', { name: 'Share your screen with support?' });
  await dialog.waitFor({ timeout: 15_000 });
  await shot(cust.page, 'customer-consent', false);
  await dialog.getByRole('button', { name: 'Allow' }).click();
  await cust.page.getByText('A support agent is viewing this app').waitFor();

  // The agent sees the card page: labels, no number, no CVC, no name on the card.
  await panel.getByText('Live. Personal details are redacted.').waitFor();
  const { frame } = await replayed(agent.page);
  await frame.getByRole('heading', { name: 'Your card' }).waitFor();
  await frame.getByText('Card number', { exact: true }).waitFor();
  await frame.getByText('CVC', { exact: true }).waitFor();
  const { html } = await replayed(agent.page);
  assert.ok(!digitsOnly(html).includes(number), 'the card number reached the agent');
  const shown = await frame.locator('#cc-number').evaluate((n) => n.value + ' ' + (n.getAttribute('value') ?? ''));
  assert.match(shown, /^[* ]+$/, `the agent's card number field shows ${shown}`);
  assert.ok(!html.includes(`value="${cvc}"`), 'the CVC reached the agent');
  assert.ok(!html.includes(customer.name), "the customer's name reached the agent");
  await panel.scrollIntoViewIfNeeded();
  await shot(agent.page, 'agent-sees-card-masked', false);

  // The agent moves around with the customer: the profile is masked too.
  await cust.page.getByRole('link', { name: 'Profile', exact: true }).click();
  await frame.getByRole('heading', { name: 'Profile' }).waitFor();
  await frame.getByText('Email', { exact: true }).waitFor();
  await cust.page.getByText(customer.email).waitFor();
  const profile = (await replayed(agent.page)).html;
  for (const s of [customer.email, customer.phone, customer.address, customer.address.split(',')[0]]) {
    assert.ok(!profile.includes(s), `${s} reached the agent`);
  }
  await shot(agent.page, 'agent-sees-profile-masked', false);

  // End, then decide.
  await panel.getByRole('button', { name: 'End session' }).click();
  await panel.getByText('You ended the session.').first().waitFor();
  await cust.page.getByText('The agent ended the screen share.').waitFor();
  await agent.page.getByLabel('In the customer’s favour').check();
  await agent.page.getByLabel('Note', { exact: true }).fill('Customer never made this purchase; card details were not shared. Refunded in full.');
  await agent.page.getByRole('button', { name: 'Record decision' }).click();
  await agent.page.getByText('Decision recorded.').waitFor();
  await shot(agent.page, 'agent-decided');
  const d = (await api('GET', `/v1/disputes/${disputeId}`, { token })).body;
  assert.equal(d.outcome, 'customer_favor');

  assert.deepEqual(cust.problems(), []);
  assert.deepEqual(agent.problems(), []);
});

test('(d) phone support: the customer reads out a code, the agent joins with it and sees the app redacted', async () => {
  const shot = shooter('escalation-phone');
  const customer = (await api('GET', '/v1/demo/customers')).body.customers.find((c) => c.customer_id === 'cus_demo_07');
  const token = await customerToken(customer.customer_id);
  await endOpenSessions(token);
  // The agent has the customer's case open while they talk.
  await arrangeOrder(customer.customer_id, 28450);
  const { disputeId, handoffId } = await neverBoughtThis(token, '284.50');
  const agentToken = await staffToken('agent@settle.test', 'agent-demo-pass');
  assert.equal((await api('POST', `/v1/agent/handoffs/${handoffId}/claim`, { token: agentToken })).status, 200);

  // On their phone.
  const cust = await customerApp(customer.name, { width: 390, height: 844, mobile: true });
  await cust.page.getByRole('button', { name: 'Share my screen' }).click();
  const codeBox = cust.page.getByRole('dialog', { name: 'Share your screen' });
  await codeBox.waitFor();
  const code = digitsOnly(await codeBox.locator('.share-code-digits').innerText());
  assert.match(code, /^\d{6}$/);
  await shot(cust.page, 'customer-code', false);

  const agent = await agentConsole();
  await agent.page.goto(`${BASE}/agent/cases/${disputeId}`);
  await agent.page.getByRole('heading', { name: 'Summary' }).waitFor();
  const panel = agent.page.locator('.cobrowse-panel');
  await panel.getByLabel('Join with code').fill('000000');
  await panel.getByRole('button', { name: 'Join' }).click();
  await panel.getByRole('alert').filter({ hasText: 'That code is wrong' }).waitFor();
  await panel.getByLabel('Join with code').fill(code);
  await panel.getByRole('button', { name: 'Join' }).click();

  const dialog = cust.page.getByRole('dialog', { name: 'Share your screen with support?' });
  await dialog.waitFor({ timeout: 15_000 });
  await dialog.getByRole('button', { name: 'Allow' }).click();
  await panel.getByText('Live. Personal details are redacted.').waitFor();
  const { frame } = await replayed(agent.page);
  await frame.getByRole('heading', { name: 'Purchases' }).waitFor();
  await frame.getByRole('link', { name: 'Card' }).waitFor();
  await cust.page.getByRole('link', { name: 'Profile', exact: true }).click();
  await frame.getByRole('heading', { name: 'Profile' }).waitFor();
  await cust.page.getByText(customer.email).waitFor();
  const { html } = await replayed(agent.page);
  for (const s of [customer.email, customer.phone, customer.address, customer.name]) assert.ok(!html.includes(s), `${s} reached the agent`);
  assert.ok(!html.includes(code), 'the code itself is not shown to the agent');
  await panel.scrollIntoViewIfNeeded();
  await shot(agent.page, 'agent-joined-by-code', false);
  await shot(cust.page, 'customer-sharing', false);

  // The customer stops whenever they like.
  await cust.page.getByRole('button', { name: 'Stop sharing' }).click();
  await panel.getByText('The customer ended the session.').first().waitFor();
  await shot(agent.page, 'agent-customer-stopped', false);
  assert.deepEqual(cust.problems(), []);
  assert.deepEqual(agent.problems(['422 (Unprocessable Entity)']), []);
});
