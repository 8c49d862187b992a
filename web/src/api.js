// The JSON API of `cordon serve`, with the token of this tab. Every call goes through `call`, so
// the paths and bodies the page relies on are all in this file.

const KEY = 'cordon.token';

export const token = {
  get: () => sessionStorage.getItem(KEY) || '',
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, body) {
    const msg = (body && body.error && (body.error.message || body.error)) || (body && body.message) ||
      `HTTP ${status}`;
    super(typeof msg === 'string' ? msg : JSON.stringify(msg));
    this.status = status;
    this.body = body;
  }
}

async function call(method, path, body, contentType = 'application/json') {
  const headers = { Authorization: `Bearer ${token.get()}`, Accept: 'application/json' };
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    payload = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  const res = await fetch(path, { method, headers, body: payload });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// Lists come back bare or wrapped ({orders: [...]}); the page takes either.
const rows = (data, key) => (Array.isArray(data) ? data : (data && data[key]) || []);

export const api = {
  screen: (q) => call('POST', '/screen', q),
  // The contract's transaction, with a context for this one call when one is given.
  check: (transaction, context) => call('POST', '/check', context ? { transaction, context } : transaction),
  trace: (q) => call('POST', '/trace', q),
  orders: async (held) => rows(await call('GET', held ? '/orders?status=held' : '/orders'), 'orders'),
  licences: async () => rows(await call('GET', '/licenses'), 'licenses'),
  revoke: (id, body) => call('POST', `/licenses/${encodeURIComponent(id)}/revoke`, body),
  audit: async (id) => {
    const r = await call('GET', `/audit/${encodeURIComponent(id)}`);
    return Array.isArray(r) ? r[0] : r;
  },
  // The list file as its publisher writes it; `name` (a file name) lets the service keep its extension.
  loadList: (text, type, name) => call('POST', name ? `/lists?name=${encodeURIComponent(name)}` : '/lists', text,
    type || 'application/octet-stream'),
  // Whether the service takes this token: any answer but 401 (a 503 only says there is no store).
  accepts: async () => {
    try { await call('GET', '/orders?status=held'); return true; } catch (e) {
      if (e instanceof ApiError && e.status !== 401) return true;
      throw e;
    }
  },
};
