// The customer demo app, as a customer uses it: pick a demo customer, see
// purchases and a plan, report a problem, follow the dispute with its paused
// schedule, the card and profile pages with their redaction markers, the
// phone layout, and the chat widget.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, api, customerToken, launch, openPage, shooter } from './browser.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function signIn(page, name = 'Alex Morgan') {
  await page.goto(`${BASE}/app/`);
  await page.getByRole('button', { name: new RegExp(name) }).click();
  await page.getByRole('heading', { name: 'Purchases' }).waitFor();
  await page.locator('.order-row').first().waitFor();
}

test('report a problem from an order pauses its payments', async () => {
  const { page, problems } = await openPage(browser);
  const shot = shooter('customer-report');
  await page.goto(`${BASE}/app/`);
  await page.getByRole('heading', { name: 'Choose a demo customer' }).waitFor();
  await page.getByRole('button', { name: /Alex Morgan/ }).waitFor();
  await shot(page, 'pick-customer', false);
  await signIn(page);
  await shot(page, 'purchases');

  await page.locator('.order-row', { hasText: 'STR-SHOES-1' }).getByRole('link').click();
  await page.getByRole('heading', { name: 'What you bought' }).waitFor();
  await shot(page, 'order');
  await page.getByRole('link', { name: 'Report a problem' }).click();
  await page.getByRole('heading', { name: 'Report a problem' }).waitFor();

  await page.getByRole('button', { name: 'Send report' }).click();
  await page.getByRole('alert').filter({ hasText: 'Choose what went wrong' }).waitFor();
  await page.getByLabel('It never arrived, or part of it is missing').check();
  await page.getByLabel('Tell us a little more').selectOption('none');
  await page.getByLabel('Describe what happened').fill('The running shoes never arrived. Tracking has not moved for two weeks.');
  await shot(page, 'report-form');
  await page.getByRole('button', { name: 'Send report' }).click();

  await page.getByText("we've received your report").waitFor();
  assert.match(page.url(), /\/app\/disputes\/[^/?]+\?new=1$/);
  await page.getByRole('heading', { name: 'Timeline' }).waitFor();
  await page.getByText('You reported a problem with this order.').waitFor();
  const paused = page.locator('.schedule tr.is-paused');
  assert.ok((await paused.count()) > 0, 'the schedule shows paused installments');
  await page.locator('.schedule').getByText('Payments paused.').waitFor();
  await shot(page, 'dispute-created');

  await page.getByRole('link', { name: 'Disputes', exact: true }).click();
  await page.locator('.dispute-row', { hasText: 'STR-SHOES-1' }).waitFor();
  await shot(page, 'disputes');
  await page.getByRole('link', { name: 'Purchases', exact: true }).click();
  await page.locator('.order-row', { hasText: 'STR-SHOES-1' }).getByText('Paused').first().waitFor();
  assert.deepEqual(problems(), []);
});

test('card and profile values are secret; navigation and amounts are unredacted', async () => {
  const { page, problems } = await openPage(browser);
  const shot = shooter('customer-card');
  await signIn(page);
  assert.ok((await page.locator('nav[data-settle-unredact]').count()) === 1, 'navigation is unredacted');
  assert.ok((await page.locator('.order-total[data-settle-unredact]').count()) > 0, 'amounts are unredacted');

  await page.getByRole('link', { name: 'Card', exact: true }).click();
  const number = page.locator('input[autocomplete="cc-number"]');
  await number.waitFor();
  const digits = (await number.inputValue()).replaceAll(' ', '');
  assert.match(digits, /^\d{16}$/);
  assert.ok(luhn(digits), `${digits} is Luhn-valid`);
  for (const ac of ['cc-number', 'cc-exp', 'cc-csc', 'cc-name']) {
    const el = page.locator(`input[autocomplete="${ac}"]`);
    assert.equal(await el.getAttribute('data-settle-secret'), 'true', `${ac} is marked secret`);
    assert.equal(await el.evaluate((n) => n.closest('[data-settle-unredact]') === null), true, `${ac} is not inside an unredacted element`);
  }
  await shot(page, 'card');

  await page.getByRole('link', { name: 'Profile', exact: true }).click();
  await page.getByText('alex.morgan1@example.com').waitFor();
  const email = page.getByText('alex.morgan1@example.com');
  assert.equal(await email.evaluate((n) => n.closest('[data-settle-unredact]') === null), true, 'the email is not unredacted');
  await shot(page, 'profile');
  assert.deepEqual(problems(), []);
});

test('phone layout: no sideways scrolling, paused schedule readable', async () => {
  const { page, problems } = await openPage(browser, { width: 390, height: 844, mobile: true });
  const shot = shooter('customer-phone');
  await signIn(page);
  await shot(page, 'purchases', false);
  for (const p of ['/app/purchases', '/app/disputes', '/app/card', '/app/profile']) {
    await page.goto(BASE + p);
    await page.locator('main h1').waitFor();
    await page.waitForLoadState('networkidle');
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(over <= 0, `${p} scrolls sideways by ${over}px`);
  }
  await page.goto(`${BASE}/app/disputes`);
  const row = page.locator('.dispute-row a').first();
  if (await row.count()) {
    await row.click();
    await page.getByRole('heading', { name: 'Payment schedule' }).waitFor();
    await shot(page, 'dispute');
  }
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await page.getByRole('button', { name: 'Close chat' }).waitFor();
  await shot(page, 'chat-open', false);
  assert.deepEqual(problems(['/v1/conversations']), []);
});

test('chat: a returned jacket that is still charged gets a cited answer and a paused plan', async (t) => {
  const probe = await api('POST', '/v1/conversations', { token: await customerToken('cus_demo_03') });
  if (probe.status === 404) {
    t.skip('POST /v1/conversations is not served yet');
    return;
  }
  const { page, problems } = await openPage(browser);
  const shot = shooter('customer-chat');
  await signIn(page);
  await page.getByRole('button', { name: 'Chat with us' }).click();
  const input = page.getByRole('textbox', { name: 'Message' });
  await input.waitFor();
  await page.locator('.chat-mode', { hasText: 'Connected' }).waitFor();
  await input.fill("I returned my jacket two weeks ago and I'm still being charged");
  await input.press('Enter');
  await page.locator('.chat-bot').first().waitFor({ timeout: 15_000 });
  await shot(page, 'first-reply', false);

  // Answer the assistant: pick the jacket (NOR-JACKET-1, 17 Oct), confirm, and
  // say when it went back.
  for (let i = 0; i < 6 && !(await page.locator('.chat-banner').count()); i++) {
    const bots = await page.locator('.chat-bot').count();
    const said = (await page.locator('.chat-bot .chat-text').last().textContent()) ?? '';
    const buttons = page.locator('.chat-quick button');
    const labels = await buttons.allTextContents();
    let pick = labels.findIndex((l) => l.includes('17 Oct'));
    if (pick < 0 && /\d+ (Sep|Oct)\)/.test(said) && !said.includes('17 Oct')) pick = labels.findIndex((l) => /^No/.test(l));
    if (pick < 0) pick = labels.findIndex((l) => /^Yes/.test(l));
    if (pick >= 0) await buttons.nth(pick).click();
    else {
      await input.fill('I sent it back on 5 November, tracking number 1Z999AA10123456784.');
      await input.press('Enter');
    }
    await page.waitForFunction((n) => document.querySelectorAll('.chat-bot').length > n, bots, { timeout: 15_000 });
    await shot(page, `turn-${i + 1}`, false);
  }
  await page.locator('.chat-banner', { hasText: 'Dispute opened' }).waitFor({ timeout: 15_000 });
  await page.locator('.chat-cites a[href^="/policies/"]').first().waitFor();
  await shot(page, 'dispute-opened', false);
  await page.locator('.chat-banner a').click();
  await page.getByRole('heading', { name: 'Payment schedule' }).waitFor();
  await page.getByText('NOR-JACKET-1').first().waitFor();
  assert.ok((await page.locator('.schedule tr.is-paused').count()) > 0, 'the jacket plan is paused');
  await shot(page, 'dispute-page');
  assert.deepEqual(problems(), []);
});

function luhn(s) {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = Number(s[s.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
