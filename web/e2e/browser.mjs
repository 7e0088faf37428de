// Shared set-up for the browser tests: apt's Chromium through playwright-core
// (no browser download), a page that records console errors and failed
// requests, numbered screenshots under e2e/screenshots/<suite>/, and small API
// helpers for arranging data.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.SETTLE_URL ?? 'http://127.0.0.1:8080';
const shotsRoot = path.join(path.dirname(new URL(import.meta.url).pathname), 'screenshots');

export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', ...extraArgs],
  });
}

/**
 * A fresh browser context and page. problems() lists console errors, page
 * errors and failed requests; expected lets a test name the ones it causes on
 * purpose (e.g. a 401 for a wrong password).
 */
export async function openPage(browser, { width = 1280, height = 800, mobile = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()} at ${m.location()?.url ?? page.url()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    // A read the browser cancelled because the page moved on (navigation,
    // an event stream closed on leaving) is not a failure anyone sees; a
    // failed write, or a read that failed for any other reason, is.
    if (r.method() === 'GET' && why === 'net::ERR_ABORTED') return;
    if (r.url().includes('/ws?')) return; // sockets closed with the page; their errors surface in the UI
    problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
  });
  return {
    page,
    context,
    problems: (expected = []) => problems.filter((p) => !expected.some((e) => p.includes(e))),
  };
}

/** Returns shot(name): saves the page as screenshots/<suite>/<nn>-<name>.png. */
export function shooter(suite) {
  const dir = path.join(shotsRoot, suite);
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page, name, fullPage = true) => {
    n++;
    await page.screenshot({ path: path.join(dir, `${String(n).padStart(2, '0')}-${name}.png`), fullPage });
  };
}

export async function api(method, p, { token, body } = {}) {
  const res = await fetch(BASE + p, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function customerToken(id) {
  const r = await api('POST', '/v1/demo/token', { body: { customer_id: id } });
  if (r.status !== 200) throw new Error(`demo token for ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

export async function staffToken(email, password) {
  const r = await api('POST', '/v1/staff/login', { body: { email, password } });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status}`);
  return r.body.token;
}
