// What the page shows for each answer of the API. Everything is built with DOM nodes and text, never
// innerHTML: names on the lists and in transactions are data, not markup.

export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

export const ORDER = ['PROHIBITED', 'LICENSE_REQUIRED', 'UNDETERMINED', 'AUTHORIZED', 'GENERAL_AUTHORIZATION',
  'NO_LICENSE_REQUIRED', 'NOT_SUBJECT'];
const COLOURS = { PROHIBITED: '#5c0a0d', LICENSE_REQUIRED: '#a4161a', UNDETERMINED: '#6b3fa0', AUTHORIZED: '#b07a00',
  GENERAL_AUTHORIZATION: '#d4a72c', NO_LICENSE_REQUIRED: '#1b6e3a', NOT_SUBJECT: '#9a9a9a' };

export const num = (x) => (typeof x === 'number' ? x.toLocaleString('en') : x ?? '');

export const outcome = (o) => h('span', { class: `outcome o-${o}` }, o || '—');

function table(head, rows, caption) {
  return h('table', {},
    caption ? h('caption', { class: 'hint' }, caption) : null,
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows));
}

// --- screening -----------------------------------------------------------------------------------

export function hits(answer) {
  const ms = answer.matches || [];
  if (!ms.length) return h('p', { id: 'screen-none' }, `No list entry scores ${answer.threshold ?? ''} or more for “${answer.query}”.`);
  return table(['#', 'Score', 'List', 'Entry', 'Matched on', 'Why'],
    ms.map((m, i) => h('tr', { class: 'hit' },
      h('td', { class: 'num' }, i + 1),
      h('td', { class: 'num' }, Number(m.score).toFixed(3)),
      h('td', {}, m.list),
      h('td', {}, h('strong', {}, m.name), m.matched_name && m.matched_name !== m.name ? h('div', { class: 'why' }, `as ${m.matched_name}`) : null,
        h('div', { class: 'rule' }, m.entity)),
      h('td', {}, m.matched_on),
      h('td', { class: 'why' }, m.why))),
    `${ms.length} hit(s) for “${answer.query}” at threshold ${answer.threshold}`);
}

// --- determinations ------------------------------------------------------------------------------

function reason(r) {
  return h('li', {},
    r.outcome ? [outcome(r.outcome), ' '] : null,
    r.review_policy ? h('span', { class: 'rule' }, `(${r.review_policy}) `) : null,
    r.because, r.item ? h('span', { class: 'rule' }, ` — item ${r.item}`) : null,
    h('div', {}, h('span', { class: 'cite' }, r.cite || ''), ' ', h('span', { class: 'rule' }, `[${r.rule}]`)));
}

const yesNo = (b) => (b === true ? 'yes' : b === false ? 'no' : 'unknown');

export function determination(d) {
  const regimes = Object.entries(d.jurisdictions || {})
    .sort(([, a], [, b]) => ORDER.indexOf(a.outcome) - ORDER.indexOf(b.outcome));
  return h('article', { class: 'determination', 'aria-label': `Determination of ${d.transaction}` },
    h('p', { class: 'overall' }, `Transaction ${d.transaction} on ${d.date}: `, h('span', { id: 'overall' }, outcome(d.overall)), ' — ',
      d.hold ? h('span', { class: 'hold' }, 'HOLD') : h('span', { class: 'release' }, 'may proceed')),
    regimes.map(([code, j]) => h('section', { class: 'regime', 'data-regime': code },
      h('h3', {}, `${code} `, outcome(j.outcome), j.review_policy ? h('span', { class: 'rule' }, ` review: ${j.review_policy}`) : null),
      j.subject && (j.subject.because || []).length ? h('div', {},
        // Only the US answer's subject is "subject to the EAR"; elsewhere it lists what decided the scope.
        h('strong', {}, code === 'US' ? `Subject to the EAR: ${yesNo(j.subject.value)}` : 'Scope:'),
        h('ul', { class: 'reasons' }, j.subject.because.map(reason))) : null,
      (j.reasons || []).length ? h('ul', { class: 'reasons' }, j.reasons.map(reason)) : null,
      (j.exceptions || []).length ? h('div', {}, h('strong', {}, 'Exceptions: '), h('ul', { class: 'reasons' }, j.exceptions.map(reason))) : null,
      (j.missing || []).length ? h('p', {}, h('strong', {}, 'Missing facts: '), j.missing.join(', ')) : null)),
    (d.screening || []).length ? h('div', {}, h('h3', {}, 'Screening'),
      table(['Party', 'List', 'Entry', 'Score', 'Matched on'], d.screening.map((s) =>
        h('tr', {}, h('td', {}, s.party), h('td', {}, s.list), h('td', {}, s.entry), h('td', { class: 'num' }, s.score), h('td', {}, s.matched_on))))) : null,
    (d.notes || []).length ? h('details', {}, h('summary', {}, `Notes (${d.notes.length})`),
      h('ul', {}, d.notes.map((n) => h('li', {}, typeof n === 'string' ? n : JSON.stringify(n))))) : null,
    h('details', { class: 'trace' }, h('summary', {}, `Trace: ${(d.trace || []).length} rule evaluation(s)`),
      h('pre', {}, (d.trace || []).join('\n'))),
    h('p', { class: 'rule' }, `rules ${d.rules_version || ''}`));
}

// --- re-evaluation after a revocation or a list update -------------------------------------------

export function reevaluation(r) {
  const kids = [h('h3', {}, 'What changed'), h('p', {}, r.cause || '')];
  if (r.delta) {
    const d = r.delta;
    kids.push(h('p', {}, `List: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed.`));
    const rows = [...d.added.map((e) => ['+ added', e]), ...d.removed.map((e) => ['− removed', e]),
      ...d.changed.map((e) => [`~ ${(e.fields || []).join(', ')}`, e])].slice(0, 200);
    if (rows.length) kids.push(table(['Change', 'Entry', 'Name'], rows.map(([c, e]) => h('tr', {}, h('td', {}, c), h('td', {}, e.id), h('td', {}, e.name)))));
  }
  kids.push(h('p', {}, `Re-evaluated ${(r.touched || []).length} open order(s) that depended on it; ${(r.changed || []).length} changed.`));
  if ((r.changed || []).length) {
    kids.push(table(['Order', 'Before', 'After', 'Why', 'Audit'], r.changed.map((c) => h('tr', { class: 'changed' },
      h('td', {}, c.order), h('td', { class: 'diff-before' }, outcome(c.before)), h('td', {}, outcome(c.after)),
      h('td', {}, h('ul', { class: 'reasons' }, (c.rules || []).map((x) => h('li', {}, x)))), h('td', {}, c.audit_id)))));
  }
  return h('div', { class: 'reevaluation' }, kids);
}

// --- charts (Chart.js, loaded as a classic script) ------------------------------------------------

// A canvas sits in a box of a set height (bars × a row), so a long list of hits stays readable.
const charts = new Map();
function draw(canvas, config, bars) {
  if (!window.Chart) return;  // the tables carry the same figures
  charts.get(canvas)?.destroy();
  canvas.closest('figure').hidden = false;
  canvas.parentElement.style.height = `${Math.max(180, 60 + 22 * bars)}px`;
  charts.set(canvas, new window.Chart(canvas, { ...config,
    options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options } }));
}

export function scoresChart(canvas, answer) {
  const ms = (answer.matches || []).slice(0, 25);
  if (!ms.length) { canvas.closest('figure').hidden = true; return; }
  draw(canvas, {
    type: 'bar',
    data: { labels: ms.map((m) => `${m.list}: ${m.name}`.slice(0, 60)),
      datasets: [{ label: 'score', data: ms.map((m) => m.score), backgroundColor: ms.map((m) => (m.score >= 0.99 ? '#a4161a' : '#1f4e8c')) },
        { label: 'threshold', type: 'line', data: ms.map(() => answer.threshold), borderDash: [6, 4], borderColor: '#333', pointRadius: 0 }] },
    options: { indexAxis: 'y', scales: { x: { min: Math.min(0.5, ...ms.map((m) => m.score)), max: 1 } } },
  }, ms.length);
}

// Outcomes per regime over orders, from their determinations: one stacked bar per regime.
export function outcomesChart(canvas, determinations) {
  const regimes = [...new Set(determinations.flatMap((d) => Object.keys(d.jurisdictions || {})))].sort();
  if (!regimes.length) { canvas.closest('figure').hidden = true; return; }
  const count = (r, o) => determinations.filter((d) => d.jurisdictions?.[r]?.outcome === o).length;
  draw(canvas, {
    type: 'bar',
    data: { labels: regimes, datasets: ORDER.map((o) => ({ label: o, data: regimes.map((r) => count(r, o)), backgroundColor: COLOURS[o] }))
      .filter((ds) => ds.data.some((n) => n > 0)) },
    options: { scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 }, title: { display: true, text: 'orders' } } } },
  }, 10);
}

// The parts whose US content counts toward de minimis, against the product's value.
export function deMinimisChart(canvas, trace) {
  const dm = trace.derivation?.de_minimis;
  const parts = dm?.counted || [];
  if (!parts.length) { canvas.closest('figure').hidden = true; return; }
  const pct = (v) => (dm.value ? (100 * v) / dm.value : 0);
  draw(canvas, {
    type: 'bar',
    data: { labels: parts.map((p) => `${p.part} ${p.classification || ''}`),
      datasets: [{ label: `% of the product's value (${dm.currency || ''} ${num(dm.value)})`, data: parts.map((p) => pct(p.value)), backgroundColor: '#a4161a' }] },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, title: { display: true, text: '% of value' } } } },
  }, parts.length + 2);
}

export function traceView(t) {
  const dm = t.derivation?.de_minimis || {};
  const us = t.us || {};
  const pct = dm.percent ? `${dm.percent.low}–${dm.percent.high} %` : 'unknown';
  return h('div', {},
    h('p', { class: 'overall' }, `${t.product} to ${t.destination} on ${t.date}: US-controlled content ${pct}. Subject to the EAR: `,
      h('strong', {}, us.subject ? (us.subject.value === true ? 'yes' : us.subject.value === false ? 'no' : 'unknown') : '—')),
    table(['Part', 'Classification', 'Quantity', 'Value', 'Path', 'Why'], (dm.counted || []).map((p) => h('tr', {},
      h('td', {}, p.part), h('td', {}, p.classification), h('td', { class: 'num' }, num(p.quantity)), h('td', { class: 'num' }, num(p.value)),
      h('td', {}, (p.path || []).join(' > ')), h('td', { class: 'why' }, p.why))), 'Counted toward de minimis'),
    (dm.missing || []).length ? table(['Part', 'Missing fact', 'Path'], dm.missing.map((m) => h('tr', {},
      h('td', {}, m.part), h('td', {}, m.fact), h('td', {}, (m.path || []).join(' > ')))), 'Unknown (counted as the high bound)') : null,
    fdpView(t.derivation?.fdp),
    ruleTable('De minimis rules', t.de_minimis_rules), ruleTable('Foreign-direct-product rules', t.fdp_rules),
    (us.subject?.because || []).length ? h('div', {}, h('h3', {}, 'Why the US reaches it'),
      h('ul', { class: 'reasons' }, us.subject.because.map(reason))) : null,
    h('details', {}, h('summary', {}, 'Full trace (JSON)'), h('pre', {}, JSON.stringify(t, null, 2))));
}

// The FDP prongs: each true, false or unknown with the BOM paths that decided it.
function fdpView(fdp) {
  if (!fdp) return null;
  const prongs = [['direct', 'direct product of US technology or software'], ['plant', 'made by a plant that is such a product'],
    ['contains_fdp_ic', 'contains an IC that is such a product']];
  return table(['Prong', 'Answer', 'Because'], prongs.filter(([k]) => fdp[k]).map(([k, label]) => h('tr', {},
    h('td', {}, label), h('td', {}, yesNo(fdp[k].value)),
    h('td', { class: 'why' }, [...(fdp[k].paths || []), ...(fdp[k].missing || []).map((m) => `unknown: ${typeof m === 'string' ? m : JSON.stringify(m)}`)].join('; ')))),
  'Foreign-direct-product lineage');
}

function ruleTable(caption, rules) {
  if (!(rules || []).length) return null;
  return table(['Rule', 'Applies', 'Citation'], rules.map((r) => h('tr', {},
    h('td', {}, r.title || r.rule, h('div', { class: 'rule' }, r.rule)), h('td', {}, yesNo(r.result)),
    h('td', { class: 'cite' }, r.cite || ''))), caption);
}

export { table };
