// The cordon page: sign in with a token, then one panel per task. Answers come from `cordon serve`.
import { api, token, ApiError } from './api.js';
import * as v from './views.js';

const $ = (sel) => document.querySelector(sel);
const status = $('#status');

function say(msg, error = false) {
  status.textContent = msg;
  status.classList.toggle('error', error);
}

// Runs one API action with a message while it is busy and a plain one when it fails.
async function busy(what, fn) {
  say(`${what}…`);
  try {
    const r = await fn();
    say('');
    return r;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { signOut('The token was refused: sign in again.'); return null; }
    const role = e instanceof ApiError && e.status === 403 ? ' (this needs an officer’s token)' : '';
    say(`${what} failed: ${e.message}${role}`, true);
    return null;
  }
}

// --- sign in -------------------------------------------------------------------------------------

function showApp(on) {
  $('#login').hidden = on;
  $('#tabs').hidden = !on;
  $('#who').hidden = !on;
  if (on) show(location.hash.slice(1) || 'screen');
  else document.querySelectorAll('[data-panel]').forEach((p) => { p.hidden = true; });
}

function signOut(msg) {
  token.clear();
  showApp(false);
  say(msg || 'Signed out.', Boolean(msg));
  $('#token').focus();
}

$('#login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  token.set($('#token').value.trim());
  $('#token').value = '';
  const ok = await busy('Signing in', () => api.accepts());
  if (ok === null) { if (!token.get()) return; token.clear(); showApp(false); return; }
  $('#who-text').textContent = 'Signed in';
  showApp(true);
});
$('#logout').addEventListener('click', () => signOut());

// --- tabs ----------------------------------------------------------------------------------------

const loaders = { orders: loadOrders, licences: loadLicences };
function show(tab) {
  if (!document.getElementById(tab)?.hasAttribute('data-panel')) tab = 'screen';
  document.querySelectorAll('[data-panel]').forEach((p) => { p.hidden = p.id !== tab; });
  document.querySelectorAll('#tabs button').forEach((b) => {
    if (b.dataset.tab === tab) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  });
  if (location.hash.slice(1) !== tab) history.replaceState(null, '', `#${tab}`);
  loaders[tab]?.();
}
document.querySelectorAll('#tabs button').forEach((b) => b.addEventListener('click', () => {
  show(b.dataset.tab);
  document.getElementById(b.dataset.tab).querySelector('input, textarea, button')?.focus();
}));

// --- screen a party ------------------------------------------------------------------------------

$('#screen-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const q = { name: f.get('name').trim() };
  if (f.get('country')) q.country = f.get('country').toUpperCase();
  if (f.get('threshold')) q.threshold = Number(f.get('threshold'));
  const r = await busy(`Screening ${q.name}`, () => api.screen(q));
  if (!r) return;
  $('#screen-out').replaceChildren(v.hits(r));
  v.scoresChart($('#screen-chart'), r);
});

// --- check a transaction -------------------------------------------------------------------------

function formTransaction(f) {
  const cc = (k) => (f.get(k) || '').trim().toUpperCase();
  const tx = {
    id: f.get('id') || 'WEB-1', activity: f.get('activity'), ship_from: cc('ship_from'), destination: cc('destination'),
    exporter: { name: f.get('exporter'), country: cc('exporter_country'), headquarters: cc('exporter_country') },
    parties: f.get('end_user') ? [{ role: 'end_user', name: f.get('end_user'), country: cc('end_user_country'),
      headquarters: cc('end_user_country') }] : [],
    items: [{ id: f.get('item_id') || 'ITEM-1', description: f.get('item_description'), quantity: 1,
      unit_value: { amount: Number(f.get('value') || 0), currency: 'USD' }, made_in: cc('made_in'),
      classification: f.get('eccn') ? { US: f.get('eccn').trim() } : {},
      us_content: { controlled_value: { amount: Number(f.get('us_value') || 0), currency: 'USD' },
        contains_us_ic: f.get('contains_us_ic') === 'on' } }],
    end_use: { purpose: f.get('purpose') },
    licenses: [],
  };
  if (f.get('date')) tx.date = f.get('date');
  return tx;
}

document.querySelectorAll('input[name="check-mode"]').forEach((r) => r.addEventListener('change', () => {
  const json = document.querySelector('input[name="check-mode"]:checked').value === 'json';
  if (json && !$('#check-json-text').value.trim()) {
    $('#check-json-text').value = JSON.stringify(formTransaction(new FormData($('#check-form'))), null, 2);
  }
  $('#check-fields').hidden = json;
  $('#check-json').hidden = !json;
}));

$('#check-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  let tx; let ctx;
  if (!$('#check-json').hidden) {
    try {
      tx = JSON.parse($('#check-json-text').value);
      const c = $('#check-context-text').value.trim();
      ctx = c ? JSON.parse(c) : undefined;
    } catch (e) { say(`The JSON does not parse: ${e.message}`, true); return; }
  } else {
    tx = formTransaction(new FormData(ev.target));
  }
  const d = await busy('Checking', () => api.check(tx, ctx));
  if (d) $('#check-out').replaceChildren(v.determination(d));
});

// --- held orders ---------------------------------------------------------------------------------

async function determinationOf(order) {
  if (order.determination) return order.determination;
  if (!order.audit_id) return null;
  const rec = await api.audit(order.audit_id);
  return rec && rec.determination;
}

async function loadOrders() {
  const all = $('#orders-all').checked;
  const orders = await busy('Loading orders', () => api.orders(!all));
  if (!orders) return;
  $('#orders-out').replaceChildren(orders.length ? v.table(['Order', 'Status', 'Outcome', 'Updated', ''], orders.map((o) => v.h('tr', {},
    v.h('td', {}, o.id), v.h('td', {}, o.status), v.h('td', {}, v.outcome(o.outcome)), v.h('td', {}, o.updated),
    v.h('td', {}, v.h('button', { type: 'button', class: 'secondary', onclick: () => openOrder(o) }, 'Determination'))))) :
    v.h('p', {}, all ? 'No open orders.' : 'No held orders.'));
  // The chart needs each order's answer per regime: from the order, or its audit record.
  const dets = await busy('Reading determinations', () => Promise.all(orders.slice(0, 200).map(determinationOf)));
  v.outcomesChart($('#orders-chart'), (dets || []).filter(Boolean));
}

async function openOrder(o) {
  const d = await busy(`Reading ${o.id}`, () => determinationOf(o));
  if (d) $('#order-detail').replaceChildren(v.h('h3', {}, `Order ${o.id}`), v.determination(d));
}
$('#orders-all').addEventListener('change', loadOrders);
$('#orders-refresh').addEventListener('click', loadOrders);

// --- licences ------------------------------------------------------------------------------------

function licenceState(b) {
  if (b.revoked) return `revoked ${b.revoked}`;
  if (b.suspended) return `suspended ${b.suspended}`;
  return b.expires ? `expires ${b.expires}` : 'no expiry';
}

async function loadLicences() {
  const ls = await busy('Loading licences', () => api.licences());
  if (!ls) return;
  $('#licences-out').replaceChildren(ls.length ? v.table(['Licence', 'Regime', 'Holder', 'State', 'Drawn', ''], ls.map((l) => {
    const b = l.licence || l;
    const drawn = b.max_value ? `${v.num(l.used_value ?? 0)} / ${v.num(b.max_value.amount ?? b.max_value)}` : '';
    return v.h('tr', {}, v.h('td', {}, l.id), v.h('td', {}, b.regime), v.h('td', {}, b.holder), v.h('td', {}, licenceState(b)),
      v.h('td', { class: 'num' }, drawn),
      v.h('td', {}, b.revoked ? '' : v.h('button', { type: 'button', class: 'secondary', onclick: () => revoke(l.id) }, `Revoke ${l.id}`)));
  })) : v.h('p', {}, 'No licences in the register.'));
}

async function revoke(id) {
  const body = {};
  if ($('#revoke-effective').value) body.effective = $('#revoke-effective').value;
  if ($('#revoke-suspend').checked) body.suspend = true;
  const verb = body.suspend ? 'Suspend' : 'Revoke';
  if (!window.confirm(`${verb} licence ${id} from ${body.effective || 'today'}? Open orders relying on it are re-evaluated.`)) return;
  const r = await busy(`${verb} ${id}`, () => api.revoke(id, body));
  if (!r) return;
  $('#licences-diff').replaceChildren(v.reevaluation(r));
  loadLicences();
}
$('#licences-refresh').addEventListener('click', loadLicences);

// --- list update ---------------------------------------------------------------------------------

let listName = '';
$('#lists-file').addEventListener('change', async (ev) => {
  const f = ev.target.files[0];
  if (f) { $('#lists-text').value = await f.text(); listName = f.name; }
});
$('#lists-text').addEventListener('input', () => { listName = ''; });

$('#lists-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = $('#lists-text').value;
  if (!text.trim()) { say('Choose a list file or paste one.', true); return; }
  const type = text.trim().startsWith('<') ? 'application/xml' : text.trim().match(/^[[{]/) ? 'application/json' : 'text/csv';
  const name = listName && /^[A-Za-z0-9._-]{1,100}$/.test(listName) ? listName : '';
  const r = await busy('Loading the list', () => api.loadList(text, type, name));
  if (r) $('#lists-out').replaceChildren(v.reevaluation(r));
});

// --- product trace -------------------------------------------------------------------------------

$('#trace-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const q = { product: f.get('product').trim(), to: f.get('to').trim().toUpperCase() };
  if (f.get('date')) q.date = f.get('date');
  const ctx = $('#trace-context').value.trim();
  if (ctx) {
    try { q.context = JSON.parse(ctx); } catch (e) { say(`The catalogue JSON does not parse: ${e.message}`, true); return; }
  }
  const t = await busy(`Tracing ${q.product}`, () => api.trace(q));
  if (!t) return;
  $('#trace-out').replaceChildren(v.traceView(t));
  v.deMinimisChart($('#trace-chart'), t);
});

// --- start ---------------------------------------------------------------------------------------

showApp(Boolean(token.get()));
if (!token.get()) $('#token').focus();
