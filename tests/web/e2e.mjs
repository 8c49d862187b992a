// The web page end to end in headless Chromium: starts `cordon serve` on a free loopback port with a
// throwaway token file and store, signs in with a token, screens a listed name, checks the bundled
// shipment, reads the held orders, revokes a licence and reads the diff; saves screenshots.
//
// Usage: node e2e.mjs CORDON REPO WEB_DIR NODE_MODULES OUT_DIR
//   CHROMIUM=path overrides the browser (default: chromium on PATH, as Debian installs it).
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const [cordon, repo, web, modules, out] = process.argv.slice(2);
if (!cordon || !repo || !web || !modules || !out) {
  console.error('usage: node e2e.mjs CORDON REPO WEB_DIR NODE_MODULES OUT_DIR');
  process.exit(2);
}
const { chromium } = createRequire(path.resolve(modules, 'x.js'))('playwright-core');

function findChromium() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const dir of (process.env.PATH || '').split(':')) {
    const p = path.join(dir, 'chromium');
    if (dir && existsSync(p)) return p;
  }
  throw new Error('no chromium on PATH: install Debian\'s chromium (make test does: scripts/setup.sh browser)');
}

const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function waitHealthy(url, server, log) {
  for (let i = 0; i < 1800; i++) {  // loading the lists takes a while, longer under ASan
    if (server.exitCode !== null) throw new Error(`cordon serve exited ${server.exitCode}:\n${log()}`);
    try { if ((await fetch(`${url}/healthz`)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`cordon serve did not answer /healthz in 180 s:\n${log()}`);
}

let passed = 0; let failed = 0;
async function step(name, fn) {
  try { await fn(); passed++; console.log(`ok   ${name}`); } catch (e) { failed++; console.log(`FAIL ${name}: ${e.message}`); }
}
function expect(cond, msg) { if (!cond) throw new Error(msg); }

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cordon-web-'));
mkdirSync(out, { recursive: true });
const officer = 'officer-token-for-the-browser-test';
const analyst = 'analyst-token-for-the-browser-test';
const sha = (t) => createHash('sha256').update(t).digest('hex');
// The token file holds hashes, never tokens (docs/serve.md): "sha256-hex role name" per line.
writeFileSync(path.join(tmp, 'tokens'), `${sha(officer)} officer web-e2e-officer\n${sha(analyst)} analyst web-e2e-analyst\n`);

// A store with a licence and three orders (two authorised by the licence): tests/state's files.
const db = path.join(tmp, 'state.db');
const state = path.join(repo, 'tests', 'state');
execFileSync(cordon, ['licenses', 'add', path.join(state, 'licence_d1.json'), '--db', db]);
execFileSync(cordon, ['orders', 'add', path.join(state, 'orders.json'), '--context', path.join(state, 'context.json'), '--db', db]);

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
let serverLog = '';
const server = spawn(cordon, ['serve', '--port', String(port), '--tokens', path.join(tmp, 'tokens'), '--db', db, '--web', web], { cwd: repo });
server.stdout.on('data', (d) => { serverLog += d; });
server.stderr.on('data', (d) => { serverLog += d; });

let browser;
try {
  await waitHealthy(url, server, () => serverLog);
  browser = await chromium.launch({ executablePath: findChromium() });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors = [];
  // Refused requests are expected (the wrong token); script errors and server errors are not.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 500) consoleErrors.push(`${r.status()} ${r.url()}`); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.setDefaultTimeout(60000);  // generous: ctest runs it beside other tests, and under ASan
  await page.goto(url);

  await step('a wrong token is refused', async () => {
    await page.fill('#token', 'not-a-token');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#status.error');
    expect(await page.isVisible('#login'), 'the sign-in form must stay');
    expect(!(await page.isVisible('#tabs')), 'the sections must stay hidden');
  });

  const signIn = async (t) => {
    await page.fill('#token', t);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#tabs', { state: 'visible' });
  };

  await step('signs in with the analyst token, kept in sessionStorage', async () => {
    await signIn(analyst);
    expect(await page.evaluate(() => sessionStorage.getItem('cordon.token')) === analyst, 'token not in sessionStorage');
  });

  await step('screens a listed name: the Entity List hit shows with why', async () => {
    await page.click('#tabs button[data-tab=screen]');
    await page.fill('#screen-form input[name=name]', 'Huawei Technologies Co., Ltd.');
    await page.click('#screen-form button[type=submit]');
    const row = page.locator('#screen-out tr.hit', { hasText: 'US.EL' }).first();
    await row.waitFor();
    const text = await row.innerText();
    expect(/Huawei Technologies Co\., Ltd\./i.test(text), `hit row lacks the name: ${text}`);
    expect(text.includes('huawei=huawei'), `hit row lacks why: ${text}`);
    await page.waitForSelector('#screen-chart', { state: 'visible' });
    await page.screenshot({ path: path.join(out, 'web-screen.png'), fullPage: true });
  });

  await step('checks the bundled shipment: LICENSE_REQUIRED with citations and a trace', async () => {
    await page.click('#tabs button[data-tab=check]');
    await page.check('input[name=check-mode][value=json]');
    await page.fill('#check-json-text', readFileSync(path.join(repo, 'examples', 'shipment.json'), 'utf8'));
    await page.fill('#check-context-text', readFileSync(path.join(repo, 'examples', 'context.json'), 'utf8'));
    await page.click('#check-form button[type=submit]');
    await page.waitForSelector('#check-out .determination');
    expect((await page.innerText('#overall')).trim() === 'LICENSE_REQUIRED', `overall: ${await page.innerText('#overall')}`);
    const us = await page.innerText('#check-out [data-regime=US]');
    expect(us.includes('LICENSE_REQUIRED') && us.includes('15 CFR 734.4(a)(8)'), `US regime lacks outcome or citation: ${us}`);
    expect(await page.isVisible('#check-out .hold'), 'HOLD not shown');
    await page.screenshot({ path: path.join(out, 'web-check.png'), fullPage: true });
    await page.click('#check-out details.trace summary');
    expect((await page.innerText('#check-out details.trace pre')).includes('us.ear.734_4.a8'), 'trace lacks the rule');
  });

  await step('checks a transaction entered in the form', async () => {
    await page.check('input[name=check-mode][value=form]');
    await page.fill('#check-fields input[name=id]', 'WEB-FORM-1');
    await page.click('#check-form button[type=submit]');
    await page.locator('#check-out .overall', { hasText: 'WEB-FORM-1' }).waitFor();
    const us = await page.innerText('#check-out [data-regime=US]');
    expect(/LICENSE_REQUIRED|UNDETERMINED/.test(us), `US answer for a 3B001.c etcher with a US IC to CN: ${us}`);
  });

  await step('an analyst may not revoke a licence: the page says so and nothing changes', async () => {
    await page.click('#tabs button[data-tab=licences]');
    page.once('dialog', (d) => d.accept());
    await page.click('#licences-out button:has-text("Revoke D1")');
    await page.locator('#status.error', { hasText: 'officer' }).waitFor();
    expect(await page.locator('#licences-diff tr.changed').count() === 0, 'a diff showed for a refused revocation');
  });

  await step('signs out, and in again with the officer token', async () => {
    await page.click('#logout');
    await page.waitForSelector('#login', { state: 'visible' });
    expect(await page.evaluate(() => sessionStorage.getItem('cordon.token')) === null, 'token left in sessionStorage');
    await signIn(officer);
  });

  await step('revoking a licence shows the orders it changed', async () => {
    await page.click('#tabs button[data-tab=licences]');
    await page.fill('#revoke-effective', '2024-05-07');  // before H1 and H2 (tests/state/cli_state.sh)
    page.once('dialog', (d) => d.accept());
    await page.click('#licences-out button:has-text("Revoke D1")');
    const changed = page.locator('#licences-diff tr.changed', { hasText: 'H1' });
    await changed.waitFor();
    const text = await changed.innerText();
    expect(text.includes('AUTHORIZED') && text.includes('LICENSE_REQUIRED'), `diff row: ${text}`);
  });

  await step('a list update shows the delta and the order it changed', async () => {
    await page.click('#tabs button[data-tab=lists]');
    await page.setInputFiles('#lists-file', path.join(repo, 'tests', 'web', 'el_update.csv'));
    await page.waitForFunction(() => document.querySelector('#lists-text').value.includes('Example Distributor'));
    await page.click('#lists-form button[type=submit]');
    const changed = page.locator('#lists-out tr.changed', { hasText: 'N1' });
    await changed.waitFor();
    const text = await changed.innerText();
    expect(text.includes('NO_LICENSE_REQUIRED') && text.includes('LICENSE_REQUIRED') && text.includes('744_11'), `diff row: ${text}`);
    expect((await page.innerText('#lists-out')).includes('1 added'), 'the delta is not shown');
  });

  await step('held orders list the orders the revocation and the list update held, with the outcomes chart', async () => {
    await page.click('#tabs button[data-tab=orders]');
    await page.locator('#orders-out tr', { hasText: 'H1' }).waitFor();
    await page.locator('#orders-out tr', { hasText: 'N1' }).waitFor();
    await page.waitForSelector('#orders-chart', { state: 'visible' });
    await page.screenshot({ path: path.join(out, 'web-orders.png'), fullPage: true });
  });

  await step('traces a catalogue product: the de minimis contributors and their chart', async () => {
    await page.click('#tabs button[data-tab=trace]');
    await page.click('#trace-form details summary');
    await page.fill('#trace-context', readFileSync(path.join(repo, 'tests', 'web', 'catalogue.json'), 'utf8'));
    await page.fill('#trace-form input[name=date]', '2025-01-15');
    await page.click('#trace-form button[type=submit]');
    await page.waitForSelector('#trace-out table');
    const text = await page.innerText('#trace-out');
    expect(text.includes('12.8–22.8 %') && text.includes('RF-GEN') && text.includes('ETCH-300 > CHAMBER > RF-GEN'), `trace: ${text}`);
    expect(text.includes('ETCH-300 made with LITHO-7') && text.includes('15 CFR 734.9(k)'), `trace lacks the FDP lineage: ${text}`);
    await page.waitForSelector('#trace-chart', { state: 'visible' });
    await page.screenshot({ path: path.join(out, 'web-trace.png'), fullPage: true });
  });

  await step('every field has a label and every chart a text alternative', async () => {
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => !el.labels || el.labels.length === 0).map((el) => el.id || el.name || el.outerHTML));
    expect(unlabelled.length === 0, `fields without a label: ${unlabelled.join(', ')}`);
    const bare = await page.evaluate(() => [...document.querySelectorAll('canvas')]
      .filter((c) => c.getAttribute('role') !== 'img' || !c.getAttribute('aria-label')).map((c) => c.id));
    expect(bare.length === 0, `charts without a text alternative: ${bare.join(', ')}`);
  });

  await step('no script errors in the page', async () => {
    expect(consoleErrors.length === 0, consoleErrors.join('\n'));
  });
} catch (e) {
  failed++;
  console.log(`FAIL ${e.message}`);
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
if (failed) console.log(`--- cordon serve output\n${serverLog}`);
console.log(`web_e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
