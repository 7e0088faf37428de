// Cobrowse end to end, in two browsers: a customer's page using the
// standalone SDK as an integrator would (dist/sdk, served by Settle), and the
// agent's viewer (web/agent/viewer.tsx, bundled here) under the agent
// console's Content-Security-Policy. The customer consents; the agent's
// replayed DOM shows the allowlisted labels and none of the card number,
// email or address; control on a redacted input is refused; ending the
// session stops the stream.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { BASE, api, customerToken, launch, openPage, shooter, staffToken } from './browser.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const web = path.resolve(here, '..');

let browser;
let harness; // { js, css } of the agent viewer page
let agentCSP;
before(async () => {
  // Test pages served through page.route() have no network address, so
  // Chromium's local-network checks would block their WebSockets to the
  // loopback server; the real pages (served by Settle) need no such flag.
  browser = await launch(['--disable-features=LocalNetworkAccessChecks']);
  const out = await build({
    absWorkingDir: web,
    entryPoints: ['e2e/harness/agent.tsx'],
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'esm',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'warning',
  });
  harness = {
    js: out.outputFiles.find((f) => f.path.endsWith('.js')).text,
    css: out.outputFiles.find((f) => f.path.endsWith('.css')).text,
  };
  // The policy the agent console is served with (the ops console has the same).
  agentCSP = (await fetch(`${BASE}/ops/`)).headers.get('content-security-policy');
  assert.match(agentCSP, /script-src 'self';/);
});
after(async () => browser?.close());

// Playwright hides the caret for screenshots with a style attribute; rrweb
// diffs style changes through a detached element's style attribute, which the
// page's strict CSP refuses (and reports). Nothing the SDK does itself.
const CARET = ['Applying inline style violates'];

// Secrets on the customer's page that must never reach the agent.
const SECRETS = ['4111', '1111 1111', 'jane.doe', 'example.com', 'Wallaby', 'Sydney', '737', 'Janey', "Jane's"];

/** Ends what an earlier run left open for this customer (when SETTLE_URL is reused). */
async function endOpenSessions(token) {
  const { body } = await api('GET', '/v1/me/cobrowse/sessions', { token });
  for (const s of body.sessions) if (s.status !== 'ended') await api('POST', `/v1/cobrowse/sessions/${s.session_id}/end`, { token });
}

async function customerPage(token) {
  const p = await openPage(browser, { width: 1100, height: 900 });
  await p.context.addInitScript((t) => (window.__settleToken = t), token);
  await p.context.route(`${BASE}/e2e/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.replace('/e2e/', '');
    const file = { '': 'customer.html', 'customer.js': 'customer.js', 'customer.css': 'customer.css' }[name];
    if (!file) return route.fulfill({ status: 404 });
    const type = file.endsWith('.html') ? 'text/html' : file.endsWith('.css') ? 'text/css' : 'text/javascript';
    // The integrator's page keeps a strict policy too: no inline script or style.
    const csp = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:";
    await route.fulfill({ status: 200, contentType: type, headers: { 'content-security-policy': csp }, body: await readFile(path.join(here, 'harness', file)) });
  });
  await p.page.goto(`${BASE}/e2e/`);
  await p.page.getByRole('heading', { name: 'Account overview' }).waitFor();
  return p;
}

async function agentPage(agentToken, sessionId, query = `session=${encodeURIComponent(sessionId)}`) {
  const p = await openPage(browser, { width: 1280, height: 1250 });
  await p.context.route(`${BASE}/e2e-agent/**`, async (route) => {
    const u = new URL(route.request().url());
    const headers = { 'content-security-policy': agentCSP };
    if (u.pathname.endsWith('/app.js')) return route.fulfill({ status: 200, contentType: 'text/javascript', headers, body: harness.js });
    if (u.pathname.endsWith('/app.css')) return route.fulfill({ status: 200, contentType: 'text/css', headers, body: harness.css });
    await route.fulfill({
      status: 200,
      contentType: 'text/html',
      headers,
      body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Viewer</title><link rel="stylesheet" href="/e2e-agent/app.css"></head><body><div id="root"></div><script type="module" src="/e2e-agent/app.js"></script></body></html>',
    });
  });
  await p.context.addInitScript((t) => sessionStorage.setItem('settle.agent.token', t), agentToken);
  await p.page.goto(`${BASE}/e2e-agent/?${query}`);
  await p.page.getByRole('heading', { name: 'Cobrowse viewer' }).waitFor();
  return p;
}

/** The replayed page's HTML and text, inside rrweb's iframe. */
async function replayed(page) {
  const frame = page.frameLocator('.cb-stage iframe');
  const html = await frame.locator('html').evaluate((n) => n.outerHTML);
  const text = await frame.locator('body').innerText();
  return { frame, html, text };
}

test('an agent sees the consented page redacted, cannot control redacted inputs, and the stream stops at the end', async () => {
  const shot = shooter('cobrowse');
  const customers = (await api('GET', '/v1/demo/customers')).body.customers;
  const customer = customers[customers.length - 1];
  const token = await customerToken(customer.customer_id);
  await endOpenSessions(token);
  const agentToken = await staffToken('agent@settle.test', 'agent-demo-pass');

  // The customer reads out a code; the agent joins with it.
  const code = await api('POST', '/v1/cobrowse/codes', { token });
  assert.equal(code.status, 201, JSON.stringify(code.body));
  const created = await api('POST', '/v1/cobrowse/sessions', { token: agentToken, body: { code: code.body.code } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const sid = created.body.session_id;

  const cust = await customerPage(token);
  const agent = await agentPage(agentToken, sid);
  await agent.page.getByText('Waiting for the customer to accept').waitFor();

  // The consent dialog lists what the agent asks for.
  const dialog = cust.page.getByRole('dialog', { name: 'Share your screen with support?' });
  await dialog.waitFor();
  for (const label of ['See this app', 'Point', 'Draw']) await dialog.getByText(label, { exact: true }).waitFor();
  await shot(cust.page, 'customer-consent', false);
  await shot(agent.page, 'agent-awaiting-consent', false);
  await dialog.getByRole('button', { name: 'Allow' }).click();
  await cust.page.getByText('A support agent is viewing this app').waitFor();

  // The agent sees the page: labels yes, secrets no.
  await agent.page.getByText('Live. Personal details are redacted.').waitFor();
  const { frame } = await replayed(agent.page);
  await frame.getByText('Account overview').waitFor();
  for (const label of ['Payment card', 'Card number', 'Contact', 'Email', 'Address', 'Order help', 'Mark as seen', 'Not seen yet']) {
    await frame.getByText(label, { exact: true }).first().waitFor();
  }
  let { html, text } = await replayed(agent.page);
  for (const s of SECRETS) {
    assert.ok(!html.includes(s), `the agent's DOM contains ${JSON.stringify(s)}`);
    assert.ok(!text.includes(s), `the agent's page shows ${JSON.stringify(s)}`);
  }
  // The SDK's own UI is not recorded.
  assert.ok(!html.includes('A support agent is viewing'), "the customer's banner is not in the agent's DOM");
  assert.ok(!html.includes('Stop sharing'));
  // Typed text follows live, masked unless the field is allowlisted.
  await cust.page.locator('#nickname').fill('Secret Nick');
  await cust.page.locator('#note').fill('Parcel never came');
  await agent.page.waitForFunction(
    () => document.querySelector('.cb-stage iframe')?.contentDocument?.querySelector('#note')?.value === 'Parcel never came',
    null,
    { timeout: 10_000 },
  );
  ({ html, text } = await replayed(agent.page));
  assert.ok(!html.includes('Secret Nick'), 'a masked field typed into stays masked');
  await shot(agent.page, 'agent-live-redacted', false);
  await shot(cust.page, 'customer-sharing', false);

  // Pointer: the customer sees the agent's pointer.
  const layer = agent.page.locator('.cb-layer');
  const box = await layer.boundingBox();
  await agent.page.mouse.move(box.x + 200, box.y + 120);
  await agent.page.mouse.move(box.x + 260, box.y + 160);
  await cust.page.locator('.settle-cb-pointer[visibility="visible"]').waitFor({ state: 'attached' });

  // Draw: a stroke appears on the customer's screen.
  await agent.page.getByRole('radio', { name: 'Draw' }).click();
  await agent.page.mouse.move(box.x + 300, box.y + 300);
  await agent.page.mouse.down();
  for (let i = 1; i <= 10; i++) await agent.page.mouse.move(box.x + 300 + i * 20, box.y + 300 + i * 6);
  await agent.page.mouse.up();
  await cust.page.locator('.settle-cb-drawing polyline').waitFor({ state: 'attached' });
  // Highlight: the customer sees the element outlined.
  await agent.page.getByRole('radio', { name: 'Highlight' }).click();
  const heading = await agent.page.frameLocator('.cb-stage iframe').getByText('Order help').boundingBox();
  await agent.page.mouse.click(heading.x + 10, heading.y + heading.height / 2);
  await cust.page.locator('.settle-cb-highlight[visibility="visible"]').waitFor({ state: 'attached' });
  await shot(cust.page, 'customer-pointer-draw-highlight', false);

  // Control: asked for, granted, then refused on a redacted input and
  // carried out on an allowlisted button.
  await agent.page.getByRole('button', { name: 'Request control' }).click();
  const ask = cust.page.getByRole('dialog', { name: 'Let the agent click and type for you?' });
  await ask.waitFor();
  await shot(cust.page, 'customer-control-request', false);
  await ask.getByRole('button', { name: 'Allow control' }).click();
  await agent.page.getByRole('button', { name: 'Control granted' }).waitFor();
  await cust.page.getByRole('button', { name: 'Take back control' }).waitFor();
  await agent.page.getByRole('radio', { name: 'Control' }).click();

  const clickReplayed = async (selector) => {
    const el = await agent.page.frameLocator('.cb-stage iframe').locator(selector).boundingBox();
    // The iframe is scaled: its bounding box is in the agent page's pixels already.
    await agent.page.mouse.click(el.x + el.width / 2, el.y + el.height / 2);
  };
  const notices = async () => Number(await agent.page.locator('.cb-viewer').getAttribute('data-notices'));
  const before = await notices();
  await clickReplayed('#cc');
  await agent.page.locator(`.cb-viewer[data-notices="${before + 1}"] .cb-notice`).filter({ hasText: 'redacted' }).waitFor();
  await shot(agent.page, 'agent-control-refused', false);
  assert.notEqual(await cust.page.evaluate(() => document.activeElement?.id ?? ''), 'cc', 'the redacted input was not focused');
  await clickReplayed('#nickname');
  await agent.page.locator(`.cb-viewer[data-notices="${before + 2}"] .cb-notice`).filter({ hasText: 'redacted' }).waitFor();

  // The server allows this one; the customer's SDK checks again and refuses.
  await clickReplayed('#promo');
  await agent.page.locator(`.cb-viewer[data-notices="${before + 3}"] .cb-notice`).filter({ hasText: "customer's app refused" }).waitFor();
  assert.notEqual(await cust.page.evaluate(() => document.activeElement?.id ?? ''), 'promo');

  await clickReplayed('#safe');
  await cust.page.getByText('Seen by support').waitFor();
  await frame.getByText('Seen by support').waitFor();
  // Typing into an allowlisted field.
  await clickReplayed('#note');
  await agent.page.getByLabel(/Type into/).fill('typed by the agent');
  await agent.page.getByRole('button', { name: 'Type', exact: true }).click();
  await cust.page.waitForFunction(() => document.getElementById('note').value === 'typed by the agent');
  await shot(agent.page, 'agent-control', false);

  // The customer takes control back.
  await cust.page.getByRole('button', { name: 'Take back control' }).click();
  await agent.page.getByRole('button', { name: 'Request control' }).waitFor();

  // The agent ends the session: both sides stop, and nothing more flows.
  await agent.page.getByRole('button', { name: 'End session' }).click();
  await agent.page.getByText('You ended the session.').waitFor();
  await cust.page.getByText('The agent ended the screen share.').waitFor();
  assert.equal(await cust.page.locator('.settle-cb-banner').count(), 0, 'the banner is gone');
  await cust.page.evaluate(() => (document.getElementById('after').textContent = 'Changed after the end'));
  await cust.page.waitForTimeout(1500);
  ({ html } = await replayed(agent.page));
  assert.ok(!html.includes('Changed after the end'), 'a change after the end reached the agent');
  const s = await api('GET', `/v1/cobrowse/sessions/${sid}`, { token: agentToken });
  assert.equal(s.body.status, 'ended');
  assert.equal(s.body.end_reason, 'ended_by_agent');
  await shot(agent.page, 'agent-ended', false);
  await shot(cust.page, 'customer-ended', false);

  // The recording holds only redacted events.
  const ops = await staffToken('ops@settle.test', 'ops-demo-pass');
  const rec = await api('GET', `/v1/ops/recordings/${sid}`, { token: ops });
  assert.equal(rec.status, 200);
  assert.equal(rec.body.verified, true);
  // Every string in the events (numbers such as timestamps are not page text).
  const strings = [];
  (function walk(v) {
    if (typeof v === 'string') strings.push(v);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) strings.push(k), walk(x);
  })(rec.body.events);
  const stored = strings.join('\n');
  assert.ok(rec.body.events.length > 2);
  for (const secret of SECRETS) assert.ok(!stored.includes(secret), `the recording contains ${JSON.stringify(secret)}`);

  // Ops replay it with the recording player.
  const replay = await agentPage(ops, sid, `recording=${encodeURIComponent(sid)}`);
  await replay.page.getByRole('button', { name: 'Play' }).click();
  const played = replay.page.frameLocator('.cb-stage iframe');
  await played.getByText('Account overview').waitFor();
  await played.getByText('Seen by support').waitFor({ timeout: 20_000 });
  const replayedHtml = await played.locator('html').evaluate((n) => n.outerHTML);
  for (const secret of SECRETS) assert.ok(!replayedHtml.includes(secret), `the replay shows ${JSON.stringify(secret)}`);
  await shot(replay.page, 'ops-replay', false);
  assert.deepEqual(replay.problems(), []);

  assert.deepEqual(cust.problems(CARET), []);
  assert.deepEqual(agent.problems(), []);
});

test('the customer declines, and can stop sharing at any time', async () => {
  const shot = shooter('cobrowse-decline');
  const customers = (await api('GET', '/v1/demo/customers')).body.customers;
  const customer = customers[customers.length - 2];
  const token = await customerToken(customer.customer_id);
  await endOpenSessions(token);
  const agentToken = await staffToken('agent@settle.test', 'agent-demo-pass');
  const cust = await customerPage(token);

  const start = async () => {
    const code = await api('POST', '/v1/cobrowse/codes', { token });
    const created = await api('POST', '/v1/cobrowse/sessions', { token: agentToken, body: { code: code.body.code } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.session_id;
  };
  const first = await start();
  const agent = await agentPage(agentToken, first);
  await cust.page.getByRole('dialog').getByRole('button', { name: 'Decline' }).click();
  await agent.page.getByText('The customer declined to share their screen.').waitFor();
  await shot(agent.page, 'agent-declined', false);

  const second = await start();
  await agent.page.goto(`${BASE}/e2e-agent/?session=${second}`);
  await cust.page.getByRole('dialog').getByRole('button', { name: 'Allow' }).click();
  await agent.page.getByText('Live. Personal details are redacted.').waitFor();
  await cust.page.getByRole('button', { name: 'Stop sharing' }).click();
  await agent.page.getByText('The customer ended the session.').waitFor();
  await cust.page.getByText('You stopped sharing your screen.').waitFor();
  await shot(agent.page, 'agent-customer-ended', false);
  assert.equal((await api('GET', `/v1/cobrowse/sessions/${second}`, { token: agentToken })).body.end_reason, 'ended_by_customer');

  // An agent who gives up before the customer answers: the question goes away.
  const third = await start();
  await cust.page.getByRole('dialog', { name: 'Share your screen with support?' }).waitFor();
  assert.equal((await api('POST', `/v1/cobrowse/sessions/${third}/end`, { token: agentToken })).status, 200);
  await cust.page.getByText('The request to share your screen was withdrawn.').waitFor();
  assert.equal(await cust.page.getByRole('dialog').count(), 0);
  await shot(cust.page, 'customer-request-withdrawn', false);
  assert.deepEqual(cust.problems(CARET), []);
  assert.deepEqual(agent.problems(), []);
});
