// Runs the browser tests against a real Settle: builds the binary, creates a
// fresh database, migrates, seeds and ingests the demo data, starts
// `settle serve` in demo mode on a random port, runs e2e/*.test.mjs with
// Node's test runner, then stops the server and drops the database.
//
//   node e2e/run.mjs                  # everything
//   SETTLE_URL=http://127.0.0.1:8080 node e2e/run.mjs   # against a running demo server
//   SETTLE_BIN=/path/to/settle node e2e/run.mjs          # with a binary built elsewhere
//
// Needs Go, PostgreSQL with pgvector (`make db`), psql, and Chromium at
// /usr/bin/chromium (apt's; no browser is downloaded).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, '..', '..');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

async function startServer(bin, env) {
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (b) => (log += b));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`settle serve did not start in 60 s:\n${log}`)), 60_000);
    child.stdout.on('data', (b) => {
      out += b;
      const m = out.match(/running at (http:\/\/[0-9.:]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`settle serve exited (${code}):\n${log}`));
    });
  });
  return { child, url, log: () => log };
}

async function main() {
  if (!existsSync(chromium)) {
    console.error(`e2e: no Chromium at ${chromium}: apt-get install -y chromium (make e2e does)`);
    process.exit(1);
  }
  const tests = readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(here, f));
  let url = process.env.SETTLE_URL;
  let cleanup = async () => {};
  if (!url) {
    const work = mkdtempSync(path.join(tmpdir(), 'settle-e2e-'));
    let bin = process.env.SETTLE_BIN;
    if (!bin) {
      bin = path.join(work, 'settle');
      run('go', ['build', '-o', bin, './cmd/settle'], { cwd: repo });
    }
    const admin = process.env.SETTLE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `settle_e2e_${process.pid}_${Date.now() % 1e6}`;
    run('psql', [admin, '-qc', `CREATE DATABASE ${name}`]);
    const dbURL = new URL(admin);
    dbURL.pathname = `/${name}`;
    if (!dbURL.searchParams.has('sslmode') && ['127.0.0.1', 'localhost'].includes(dbURL.hostname)) dbURL.searchParams.set('sslmode', 'disable');
    const env = { ...process.env, DATABASE_URL: dbURL.toString(), SETTLE_ADDR: '127.0.0.1:0', SETTLE_DEMO: '1', SETTLE_LOG_LEVEL: 'warn' };
    const dropDB = () => spawnSync('psql', [admin, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'inherit' });
    try {
      for (const args of [['migrate', 'up'], ['seed'], ['ingest']]) run(bin, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
      const server = await startServer(bin, env);
      url = server.url;
      cleanup = async () => {
        server.child.kill('SIGTERM');
        await new Promise((r) => server.child.once('exit', r));
        if (process.exitCode) console.error(`--- settle serve log ---\n${server.log().slice(-4000)}`);
        dropDB();
        rmSync(work, { recursive: true, force: true });
      };
    } catch (e) {
      dropDB();
      throw e;
    }
  }
  console.log(`e2e: testing ${url}; screenshots in web/e2e/screenshots/`);
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...tests], {
    stdio: 'inherit',
    env: { ...process.env, SETTLE_URL: url, CHROMIUM: chromium },
  });
  process.exitCode = r.status ?? 1;
  await cleanup();
}

main().catch((e) => {
  console.error(`e2e: ${e.message}`);
  process.exit(1);
});
