// The staff console, served by the backend at /console. Staff sign in with a name and password; the
// session is an HttpOnly cookie this script never sees, and every call other than GET sends the
// session's CSRF token. It calls the agent API (/v1/agent/*) on its own origin with that cookie; an
// associate gets the store view instead (store.js, the store API).
// Every piece of customer (or agent) text goes into the page with textContent, never as HTML, so
// hostile messages stay inert.
import { deviceDetails, deviceLine } from './device.js';
import { el } from './dom.js';
import { draftsView } from './drafts.js';
import { CANNOT_SHOW, fieldLabel, money, unavailable } from './format.js';
import { startStore } from './store.js';

const API = '/v1/agent';
const SESSION_API = '/console/api';
const TYPING_RENEW_MS = 3000; // send "typing" at most this often
const TYPING_TIMEOUT_MS = 6000; // a customer's typing is over after this long without a renewal

const $ = (id) => document.getElementById(id);
let selected = null; // profileId
let typingTimer;
let lastTypingSent = 0;
/** The signed-in session ({name, role, csrfToken, …}), or null on the login form. */
let session = null;
/** Ends the agent stream at sign-out. */
let streamAbort = null;
/** Clears the store view at sign-out. */
let stopStore = null;

/** A same-origin call with the session cookie; a 401 means the session ended: back to the login form. */
async function call(url, options = {}) {
  const headers = options.body ? { 'Content-Type': 'application/json' } : {};
  if (options.method && options.method !== 'GET' && session) headers['X-CSRF-Token'] = session.csrfToken;
  const res = await fetch(url, { ...options, headers, credentials: 'same-origin' });
  if (res.status === 401 && session) showLogin('Your session has ended: sign in again.');
  return res;
}

async function api(path, options = {}) {
  const res = await call(`${API}${path}`, options);
  if (!res.ok) throw new Error(`${options.method ?? 'GET'} ${path}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}

const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const guest = (profileId) => `Guest ${profileId.slice(0, 6)}`;
const show = (value) =>
  unavailable(value) ? CANNOT_SHOW : typeof value === 'string' ? value : JSON.stringify(value);
/** The console's language, for prices: the page's, as the widget formats its cart in the shop page's. */
const LANG = document.documentElement.lang || undefined;

/**
 * Says where a fact comes from: `verified` when the shop's own servers sent it (server key), else
 * `unverified`: any page can send it with the public write key, so it is the customer's (or anyone's) claim.
 */
const mark = (verified) =>
  el(
    'span',
    {
      class: `mark ${verified ? 'verified' : 'unverified'}`,
      title: verified ? 'Sent by the shop’s servers' : 'Claimed from a browser: not verified',
    },
    verified ? 'verified' : 'unverified',
  );
/** The customer's display name with its mark, or a fallback without one. */
const nameOf = (p) => (p.name ? [p.name, ' ', mark(p.nameVerified)] : [p.userId ?? guest(p.profileId)]);

async function loadList() {
  const { conversations } = await api('/conversations?limit=50');
  $('list-empty').hidden = conversations.length > 0;
  $('conversations').replaceChildren(
    ...conversations.map((c) => {
      const button = el(
        'button',
        { type: 'button', 'aria-current': String(c.profileId === selected) },
        el('span', { class: 'who' }, ...nameOf(c)),
        c.unread > 0
          ? el('span', { class: 'badge', 'aria-label': `${c.unread} unread` }, c.unread)
          : el('span'),
        el(
          'span',
          { class: 'last' },
          `${c.lastMessage.from === 'agent' ? 'You: ' : ''}${c.lastMessage.text}`,
        ),
      );
      button.addEventListener('click', () => void select(c.profileId));
      return el('li', {}, button);
    }),
  );
}

async function select(profileId) {
  if (selected !== profileId) setTyping(false);
  selected = profileId;
  $('reply').hidden = false;
  await loadProfile();
  await api(`/conversations/${encodeURIComponent(profileId)}/read`, { method: 'POST' });
  await loadList();
}

async function loadProfile() {
  if (!selected) return;
  const p = await api(`/profiles/${encodeURIComponent(selected)}`);
  if (p.profileId !== selected) return; // another conversation was picked meanwhile
  $('chat-title').replaceChildren(...nameOf(p));
  $('messages').replaceChildren(
    ...p.messages.map((m) =>
      el(
        'li',
        { class: m.from },
        m.text,
        el(
          'span',
          { class: 'meta' },
          `${m.from === 'agent' ? (m.name ?? 'Agent') : 'Customer'} · ${time(m.at)}`,
        ),
      ),
    ),
  );
  $('messages').lastElementChild?.scrollIntoView({ block: 'end' });
  $('profile').replaceChildren(...profileView(p));
}

/** A list of `<li>` rows, or a muted line saying there is none. */
function rows(items, empty) {
  return items.length ? el('ul', { class: 'rows' }, ...items) : el('p', { class: 'muted' }, empty);
}

function profileView(p) {
  return [
    traitsView(p),
    el('h3', {}, 'Cart'),
    rows(p.cart.map(cartLine), 'Empty.'),
    el('h3', {}, 'Unfinished forms'),
    ...draftsView(p.forms),
    el('h3', {}, 'Orders'),
    rows(p.orders.map(orderLine), 'None.'),
    ...(p.loyalty ? [el('p', { class: 'points' }, `${show(p.loyalty.points)} points`, ' ', mark(true))] : []),
    el('h3', {}, 'Viewed lately'),
    rows(
      p.recent.map((item) => el('li', {}, show(item.name ?? item.product_id), ' ', mark(false))),
      'Nothing.',
    ),
    el('h3', {}, 'Recent activity'),
    rows(p.events.map(eventLine), 'No events.'),
    el('h3', {}, 'Devices'),
    rows(
      p.devices.map((d) => el('li', { class: 'device', title: deviceDetails(d) }, deviceLine(d))),
      'None.',
    ),
  ];
}

/** Who the customer is: the user id, then each trait with where it comes from. */
function traitsView(p) {
  const traits = [
    ...Object.entries(p.traits).map(([k, v]) => [k, v, true]),
    ...Object.entries(p.unverifiedTraits ?? {}).map(([k, v]) => [k, v, false]),
  ];
  return el(
    'dl',
    {},
    el('dt', {}, 'User'),
    el('dd', {}, p.userId ?? 'anonymous'),
    ...traits.flatMap(([k, v, verified]) => [el('dt', {}, k), el('dd', {}, show(v), ' ', mark(verified))]),
  );
}

/** "2 × Oolong tea" and its price in its currency (quantity × unit price, as the widget shows it). */
function cartLine(line) {
  if (unavailable(line))
    return el('li', { class: 'cart-line' }, el('span', { class: 'item' }, `${line.key} ${CANNOT_SHOW}`));
  const qty = typeof line.qty === 'number' ? line.qty : 1;
  const price = typeof line.price === 'number' ? money(line.price * qty, line.currency, LANG) : '';
  return el(
    'li',
    { class: 'cart-line' },
    el('span', { class: 'item' }, `${qty} × ${show(line.name ?? line.productId ?? line.key)}`),
    line.warning ? el('span', { class: 'warning' }, fieldLabel(String(line.warning))) : null,
    el('span', { class: 'amount' }, price),
  );
}

/** An order as the shop's systems wrote it (verified): its id, status, total and channel. */
function orderLine(order) {
  const total = typeof order.total === 'number' ? money(order.total, order.currency, LANG) : '';
  const channel = typeof order.channel === 'string' ? el('span', { class: 'channel' }, order.channel) : null;
  return el(
    'li',
    { class: 'order' },
    el('span', { class: 'what' }, `${show(order.id ?? order.key)} · ${fieldLabel(String(order.status))}`),
    ' ',
    channel,
    ' ',
    mark(true),
    el('span', { class: 'amount' }, total),
  );
}

/** What happened, on which channel (web, app, store…), whether it is verified, and when and where. */
function eventLine(e) {
  const where = typeof e.page?.path === 'string' ? ` · ${e.page.path}` : '';
  return el(
    'li',
    { class: 'event' },
    el('span', { class: 'what' }, e.event ?? e.name ?? e.type),
    ' ',
    typeof e.channel === 'string' ? el('span', { class: 'channel' }, e.channel) : null,
    ' ',
    mark(e.verified),
    el('span', { class: 'when' }, `${new Date(e.timestamp).toLocaleString()}${where}`),
  );
}

function setTyping(typing) {
  if (!selected) return;
  const now = Date.now();
  if (typing && now - lastTypingSent < TYPING_RENEW_MS) return;
  lastTypingSent = typing ? now : 0;
  const name = $('agent-name').value.trim() || undefined;
  void api(`/conversations/${encodeURIComponent(selected)}/typing`, {
    method: 'POST',
    body: JSON.stringify({ typing, name }),
  }).catch(() => {});
}

function customerTyping(profileId, typing) {
  if (profileId !== selected) return;
  clearTimeout(typingTimer);
  $('typing').hidden = !typing;
  if (typing) typingTimer = setTimeout(() => ($('typing').hidden = true), TYPING_TIMEOUT_MS);
}

$('reply').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('reply-text').value;
  if (!selected || text.trim() === '') return;
  const name = $('agent-name').value.trim() || undefined;
  await api(`/conversations/${encodeURIComponent(selected)}/messages`, {
    method: 'POST',
    body: JSON.stringify({ text, name }),
  });
  $('reply-text').value = '';
  setTyping(false);
  await loadProfile();
});
$('reply-text').addEventListener('input', () => setTyping(true));
$('reply-text').addEventListener('blur', () => setTyping(false));
$('agent-name').value = localStorage.getItem('omnikit-agent-name') ?? '';
$('agent-name').addEventListener('change', () =>
  localStorage.setItem('omnikit-agent-name', $('agent-name').value),
);

/** The agent stream, read with fetch; reconnects with backoff and reloads what it may have missed. */
async function listen(abort) {
  for (let delay = 500; !abort.signal.aborted; delay = Math.min(delay * 2, 10_000)) {
    try {
      const res = await call(`${API}/stream`, { signal: abort.signal });
      if (!res.ok || !res.body) throw new Error(`stream: ${res.status}`);
      $('status').textContent = 'Live';
      delay = 500;
      await Promise.all([loadList(), loadProfile()]);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let split = buffer.indexOf('\n\n'); split !== -1; split = buffer.indexOf('\n\n')) {
          handle(buffer.slice(0, split));
          buffer = buffer.slice(split + 2);
        }
      }
    } catch (error) {
      if (abort.signal.aborted) return;
      console.warn('[agent console]', error);
    }
    if (abort.signal.aborted) return;
    $('status').textContent = 'Reconnecting…';
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

let reloading = null;
/**
 * The open customer's documents changed (a cart line, a draft, an order): their view is fetched
 * again, once per half second at most, however fast a customer types into a synced form.
 */
function reloadProfileSoon() {
  if (reloading) return;
  reloading = setTimeout(() => {
    reloading = null;
    void loadProfile();
  }, 500);
}

function handle(block) {
  const event = /^event: (.*)$/m.exec(block)?.[1];
  const data = /^data: (.*)$/m.exec(block)?.[1];
  if (!event || !data) return;
  const { profileId, typing } = JSON.parse(data);
  if (event === 'typing') return customerTyping(profileId, typing);
  if (event === 'profile') return profileId === selected && reloadProfileSoon();
  if (event !== 'message') return;
  if (profileId === selected) {
    customerTyping(profileId, false);
    void loadProfile()
      .then(
        () =>
          document.visibilityState === 'visible' &&
          api(`/conversations/${encodeURIComponent(profileId)}/read`, { method: 'POST' }),
      )
      .then(loadList);
  } else void loadList();
}

/** Shows what the signed-in role may use, and starts the agent's live list. */
function start(signedIn) {
  session = signedIn;
  $('login-panel').hidden = true;
  $('signed-in').hidden = false;
  $('who').textContent = `${signedIn.name} (${signedIn.role})`;
  const agent = signedIn.role === 'agent';
  $('agent-panel').hidden = !agent;
  $('agent-name-field').hidden = !agent;
  $('store-panel').hidden = agent;
  if (!$('agent-name').value) $('agent-name').value = signedIn.name;
  $('status').textContent = agent ? 'Connecting…' : '';
  if (agent) {
    streamAbort = new AbortController();
    void listen(streamAbort);
  } else stopStore = startStore(call);
}

/** Back to the login form (signed out, or the session ended), with nothing of the last session shown. */
function showLogin(message = '') {
  session = null;
  streamAbort?.abort();
  streamAbort = null;
  stopStore?.();
  stopStore = null;
  selected = null;
  for (const id of ['agent-panel', 'store-panel', 'signed-in', 'agent-name-field']) $(id).hidden = true;
  $('conversations').replaceChildren();
  $('messages').replaceChildren();
  $('reply').hidden = true;
  $('status').textContent = '';
  $('login-error').textContent = message;
  $('login-error').hidden = message === '';
  $('login-panel').hidden = false;
  $('login-name').focus();
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = JSON.stringify({ name: $('login-name').value, password: $('login-password').value });
  const res = await call(`${SESSION_API}/login`, { method: 'POST', body });
  $('login-password').value = '';
  if (res.ok) return start(await res.json());
  const message =
    res.status === 429
      ? `Too many attempts: try again in ${res.headers.get('Retry-After') ?? 'a few'} s.`
      : res.status === 401
        ? 'Wrong name or password.'
        : `Could not sign in (${res.status}).`;
  showLogin(message);
});

$('logout').addEventListener('click', async () => {
  await call(`${SESSION_API}/logout`, { method: 'POST' }).catch(() => {});
  showLogin();
});

// Already signed in (a reload): the session answers with its CSRF token; else the login form.
void fetch(`${SESSION_API}/session`, { credentials: 'same-origin' }).then(
  async (res) => (res.ok ? start(await res.json()) : showLogin()),
  () => showLogin('The server did not answer.'),
);
