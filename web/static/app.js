// The ace-pga browser checker: the wasm module (plain exports, no imports) runs in a worker
// (worker.js), off the main thread; the page hands it the transmission and the options and
// renders its JSON answers. Nothing is sent anywhere.
'use strict';

const worker = new Worker('worker.js');
const waiting = new Map(); // message id -> resolve
let nextId = 1;
let generation = 0; // the number of the last check sent
let input = null; // whether a transmission was checked (its bytes, for a re-check)
const $ = (id) => document.getElementById(id);

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function options() {
  return { as_of: $('as-of').value || today(), lenient: $('lenient').checked };
}

// Sends one request to the worker; resolves with its answer ({result}, {error} or {stale}).
function request(message) {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    worker.postMessage({ id, options: options(), ...message });
  });
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

// The record line with the finding's columns marked, as the CLI's human output marks them.
function marked(text, columns) {
  const pre = el('pre', { class: 'record' });
  if (!columns) { pre.textContent = text; return pre; }
  const [s, e] = columns;
  pre.append(text.slice(0, s - 1), el('mark', { text: text.slice(s - 1, e) }), text.slice(e));
  pre.append('\n' + ' '.repeat(s - 1) + '^'.repeat(Math.max(1, e - s + 1)));
  return pre;
}

function applyFilters() {
  const sev = $('filter-severity').value;
  const rule = $('filter-rule').value;
  for (const li of $('findings').children) {
    li.hidden = (sev && li.dataset.severity !== sev) || (rule && li.dataset.rule !== rule);
  }
}

async function showDump(line) {
  const box = $('dump');
  box.replaceChildren();
  if (!input || !line) return;
  const answer = await request({ op: 'dump_line', gen: generation, line: Number(line) });
  if (answer.stale) return;
  if (answer.error) { box.append(el('p', { class: 'error', text: `The checker failed: ${answer.error}` })); return; }
  const d = answer.result;
  if (d.error && !d.fields) { box.append(el('p', { text: d.error })); return; }
  box.append(el('h3', { text: `Line ${d.line}: ${d.record}${d.variant ? '@' + d.variant : ''}` }));
  box.append(el('pre', { class: 'record', text: d.text }));
  if (d.error) box.append(el('p', { class: 'error', text: d.error }));
  if (d.fields.length === 0 && !d.error) {
    box.append(el('p', { text: 'A record without a layout of the PGA Message Set: kept as its bytes.' }));
    return;
  }
  if (d.fields.length === 0) {
    return;
  }
  const table = el('table', { class: 'fields' });
  table.append(el('thead', {}, el('tr', {},
    el('th', { scope: 'col', text: 'Field' }), el('th', { scope: 'col', text: 'Columns' }),
    el('th', { scope: 'col', text: 'Value' }))));
  const body = el('tbody');
  for (const f of d.fields) {
    body.append(el('tr', {},
      el('td', { text: f.name }),
      el('td', { text: f.start === f.end ? `${f.start}` : `${f.start}–${f.end}` }),
      el('td', { text: f.value === null ? '(blank)' : f.value })));
  }
  table.append(body);
  box.append(table);
}

function selectable(node, line) {
  if (!line) return;
  node.tabIndex = 0;
  node.classList.add('selectable');
  node.addEventListener('click', () => showDump(line));
  node.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); showDump(line); }
  });
}

// At most this many findings and organic rows are drawn: a large transmission with a
// finding on every line stays usable (the counts still cover every finding).
const MAX_DRAWN = 2000;

function render(r) {
  const summary = $('summary');
  const list = $('findings');
  const rules = $('filter-rule');
  const organic = $('organic').tBodies[0];
  list.replaceChildren();
  organic.replaceChildren();
  rules.replaceChildren(el('option', { value: '', text: 'all' }));
  $('dump').replaceChildren();
  if (r.error) {
    summary.textContent = r.error;
    summary.dataset.done = 'true';
    return;
  }
  summary.textContent = `${r.errors} error(s), ${r.warnings} warning(s)`;
  summary.className = r.errors ? 'bad' : 'good';
  for (const f of r.findings.slice(0, MAX_DRAWN)) {
    const li = el('li', {
      'data-rule': f.rule,
      'data-line': f.line ?? '',
      'data-columns': f.columns ? `${f.columns[0]}-${f.columns[1]}` : '',
      'data-severity': f.severity,
      class: `sev-${f.severity}`,
    });
    const where = f.line ? `line ${f.line}${f.columns ? `, columns ${f.columns[0]}–${f.columns[1]}` : ''}${f.record ? ` (${f.record})` : ''}` : 'whole input';
    li.append(el('p', {}, el('strong', { text: `${f.severity}[${f.rule}]` }), ` ${where}: `, f.message,
      f.cbp_code ? ` (CBP ${f.cbp_code})` : ''));
    if (f.text !== null) li.append(marked(f.text, f.columns));
    selectable(li, f.line);
    list.append(li);
  }
  for (const rule of [...new Set(r.findings.map((f) => f.rule))].sort()) {
    rules.append(el('option', { value: rule, text: rule }));
  }
  for (const o of r.organic.slice(0, MAX_DRAWN)) {
    const certs = o.certificates.length ? o.certificates : [{ number: '(none)', line: o.line }];
    for (const c of certs) {
      const tr = el('tr', { 'data-certificate': c.number, 'data-line': o.line },
        el('td', { text: String(o.line) }), el('td', { text: o.message_type }),
        el('td', { text: c.number }), el('td', { text: o.net_quantity_kg ?? '' }),
        el('td', { text: o.lots.join(', ') }));
      selectable(tr, c.line);
      organic.append(tr);
    }
  }
  if (r.findings.length > MAX_DRAWN || r.organic.length > MAX_DRAWN) {
    summary.textContent += ` (the first ${MAX_DRAWN} findings and organic lines are shown)`;
  }
  applyFilters();
  summary.dataset.done = 'true';
}

function check(bytes) {
  const summary = $('summary');
  summary.dataset.done = 'false';
  input = bytes;
  const asOf = $('as-of').value;
  if (asOf && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    summary.textContent = 'Choose an as-of date between 0001-01-01 and 9999-12-31.';
    summary.className = 'bad';
    summary.dataset.done = 'true';
    return;
  }
  summary.className = '';
  summary.textContent = `Checking ${bytes.length.toLocaleString()} bytes as of ${asOf || today()}…`;
  $('dump').replaceChildren();
  // The page stays usable while the worker checks; only the last check is shown.
  const gen = ++generation;
  request({ op: 'check', gen, bytes }).then((answer) => {
    if (gen !== generation) return;
    if (answer.error) {
      summary.textContent = `The checker failed: ${answer.error}`;
      summary.dataset.done = 'true';
      return;
    }
    render(answer.result);
  });
}

async function checkFile(file) {
  if (!file) return;
  $('summary').dataset.done = 'false';
  check(new Uint8Array(await file.arrayBuffer()));
}

async function main() {
  $('as-of').value = today();
  await new Promise((resolve, reject) => {
    worker.onmessage = (ev) => {
      if (ev.data.ready) resolve(); else reject(new Error(ev.data.error));
    };
    worker.onerror = (ev) => reject(new Error(ev.message || 'the worker did not start'));
  });
  worker.onmessage = (ev) => {
    const resolve = waiting.get(ev.data.id);
    waiting.delete(ev.data.id);
    if (resolve) resolve(ev.data);
  };
  $('file').addEventListener('change', (ev) => checkFile(ev.target.files[0]));
  // Pasted text is sent as Latin-1 bytes when it fits (one byte per character, as CATAIR
  // records are), else as UTF-8 (the checker then reports the non-CBP bytes).
  $('check-paste').addEventListener('click', () => {
    $('summary').dataset.done = 'false';
    const t = $('paste').value;
    const latin1 = [...t].every((c) => c.charCodeAt(0) < 256);
    check(latin1 ? Uint8Array.from(t, (c) => c.charCodeAt(0)) : new TextEncoder().encode(t));
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    checkFile(ev.dataTransfer.files[0]);
  });
  drop.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); $('file').click(); }
  });
  for (const id of ['as-of', 'lenient']) {
    $(id).addEventListener('change', () => { if (input) check(input); });
  }
  $('filter-severity').addEventListener('change', applyFilters);
  $('filter-rule').addEventListener('change', applyFilters);
  document.body.dataset.ready = 'true';
}

main().catch((e) => { $('summary').textContent = `The checker could not start: ${e}`; });
