// Page tests of the browser checker (web/dist), run by .ci/run:
//
//   node web/test/page.test.mjs [path/to/ace-pga]
//
// Serves web/dist on 127.0.0.1 (an ephemeral port), drives Debian's chromium with
// playwright-core and checks, for every shipped sample (spec-samples/valid and invalid, with
// the as-of date and mode of its expected findings), that the page lists exactly the findings
// that `ace-pga check --format json` lists (rule, line, columns, severity, in order) and the
// same counts; that it shows the certificates `ace-pga decode` finds; that a finding opens its
// record's field dump (by click and by keyboard); that pasted text is checked like a file;
// that the wasm module runs in a worker, not on the page's main thread;
// and that no request leaves the page's origin.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const dist = join(root, 'web/dist');
const bin = resolve(process.argv[2] ?? join(root, 'target/release/ace-pga'));
assert.ok(existsSync(join(dist, 'ace_pga_web.wasm')), 'web/dist is not built: run web/build.sh');
assert.ok(existsSync(bin), `no CLI at ${bin}`);

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const file = join(dist, path === '/' ? 'index.html' : path);
  if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

// The CLI's answer for a sample (exit code 1 = findings with errors, still JSON).
function cli(args) {
  try {
    return JSON.parse(execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch (e) {
    if (e.stdout) return JSON.parse(e.stdout);
    throw e;
  }
}

// Every sample with the as-of date and mode its expected findings name (default: strict,
// 2026-03-16).
function samples() {
  const out = [];
  for (const dir of ['valid', 'invalid']) {
    const d = join(root, 'spec-samples', dir);
    for (const name of readdirSync(d).filter((n) => n.endsWith('.txt')).sort()) {
      const expected = join(d, 'expected', name.replace(/\.txt$/, '.findings.json'));
      const exp = existsSync(expected) ? JSON.parse(readFileSync(expected, 'utf8')) : {};
      out.push({ path: join(d, name), asOf: exp.as_of ?? '2026-03-16', lenient: exp.mode === 'lenient' });
    }
  }
  return out;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const requests = [];
page.on('request', (r) => requests.push(r.url()));
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
await page.goto(origin + '/');
await page.waitForSelector('body[data-ready="true"]');
// The module runs in a worker, off the page's main thread.
assert.deepEqual(page.workers().map((w) => w.url()), [origin + '/worker.js'], 'one worker');

async function findingsOnPage() {
  return page.$$eval('#findings li', (lis) => lis.map((li) => ({
    rule: li.dataset.rule, line: li.dataset.line, columns: li.dataset.columns, severity: li.dataset.severity,
  })));
}

const asAttrs = (f) => ({
  rule: f.rule,
  line: f.line === null ? '' : String(f.line),
  columns: f.columns ? `${f.columns[0]}-${f.columns[1]}` : '',
  severity: f.severity,
});

let checked = 0;
let withFindings = 0;
let certificates = 0;
for (const s of samples()) {
  await page.fill('#as-of', s.asOf);
  await page.setChecked('#lenient', s.lenient);
  await page.setInputFiles('#file', s.path);
  await page.waitForSelector('#summary[data-done="true"]');
  const args = ['check', '--format', 'json', '--as-of', s.asOf, ...(s.lenient ? ['--lenient'] : []), s.path];
  const report = cli(args);
  const expected = report.findings.map(asAttrs);
  assert.deepEqual(await findingsOnPage(), expected, `findings of ${s.path}`);
  const summary = await page.textContent('#summary');
  if (report.findings.length === report.errors + report.warnings) {
    assert.equal(summary, `${report.errors} error(s), ${report.warnings} warning(s)`, s.path);
  }
  // The certificates `decode` finds (when the sample decodes).
  let decoded = null;
  try {
    decoded = JSON.parse(execFileSync(bin, ['decode', ...(s.lenient ? ['--lenient'] : []), s.path],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch { /* an invalid sample that does not decode */ }
  if (decoded) {
    const want = decoded.organic.flatMap((o) => o.certificates.map((c) => c.number.value)).sort();
    const got = (await page.$$eval('#organic tbody tr', (trs) => trs.map((tr) => tr.dataset.certificate)))
      .filter((c) => c !== '(none)').sort();
    assert.deepEqual(got, want, `certificates of ${s.path}`);
    certificates += want.length;
  }
  checked += 1;
  if (expected.length) withFindings += 1;
}
assert.ok(checked >= 40, `only ${checked} samples`);
assert.ok(withFindings >= 25, `only ${withFindings} samples with findings`);
assert.ok(certificates >= 5, `only ${certificates} certificates`);

// A known certificate row.
await page.fill('#as-of', '2026-03-16');
await page.setChecked('#lenient', false);
await page.setInputFiles('#file', join(root, 'spec-samples/valid/or2-single.txt'));
await page.waitForSelector('#summary[data-done="true"]');
assert.equal(await page.locator('#organic tr[data-certificate="417-2093856104-557321"]').count(), 1);

// A finding opens the field dump of its record, by click and by keyboard; columns are marked.
await page.setInputFiles('#file', join(root, 'spec-samples/invalid/or2-nop-id-10-digit.txt'));
await page.waitForSelector('#summary[data-done="true"]');
const first = page.locator('#findings li').first();
assert.equal(await first.getAttribute('data-rule'), 'OR-002');
assert.equal(await first.locator('mark').textContent(), '2093856104'.padEnd(33));
await first.click();
const lpco = page.locator('#dump table.fields tr', { hasText: 'lpco_number' });
await lpco.waitFor(); // the worker answers asynchronously
assert.equal(await lpco.count(), 1);
assert.match(await lpco.textContent(), /9–41/);
await page.locator('#dump').evaluate((d) => d.replaceChildren());
await first.focus();
await page.keyboard.press('Enter');
await lpco.waitFor();
assert.equal(await page.locator('#dump table.fields tr', { hasText: 'lpco_number' }).count(), 1);

// Filters: by severity and by rule.
await page.selectOption('#filter-severity', 'warning');
assert.equal(await page.locator('#findings li:not([hidden])').count(), 0);
await page.selectOption('#filter-severity', '');
await page.selectOption('#filter-rule', 'OR-002');
assert.equal(await page.locator('#findings li:not([hidden])').count(), 1);
await page.selectOption('#filter-rule', '');

// Pasted text is checked like the file.
const text = readFileSync(join(root, 'spec-samples/invalid/or2-draft-suffix.txt'), 'latin1');
await page.fill('#paste', text);
await page.evaluate(() => { document.getElementById('summary').dataset.done = 'false'; });
await page.click('#check-paste');
await page.waitForSelector('#summary[data-done="true"]');
const pasted = cli(['check', '--format', 'json', '--as-of', '2026-03-16', join(root, 'spec-samples/invalid/or2-draft-suffix.txt')]);
assert.deepEqual(await findingsOnPage(), pasted.findings.map(asAttrs), 'pasted text');

// Nothing left the origin; the page raised no error.
const outside = requests.filter((u) => !u.startsWith(origin + '/'));
assert.deepEqual(outside, [], 'requests outside the page origin');
assert.deepEqual(pageErrors, [], 'page errors');

await browser.close();
server.close();
console.log(`web page: ${checked} samples (${withFindings} with findings, ${certificates} certificates) match the CLI; ${requests.length} requests, all to ${origin}`);
