// The demo's agent console. It calls the agent API through the demo server's /agent-api/ proxy,
// which adds the agent key: the key never reaches this page. Every piece of customer (or agent) text
// goes into the page with textContent, never as HTML, so hostile messages stay inert.
const API = '/agent-api';
const TYPING_RENEW_MS = 3000; // send "typing" at most this often
const TYPING_TIMEOUT_MS = 6000; // a customer's typing is over after this long without a renewal

const $ = (id) => document.getElementById(id);
let selected = null; // profileId
let typingTimer;
let lastTypingSent = 0;

/** An element with attributes and children; strings become text nodes (never parsed as HTML). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child != null) node.append(child instanceof Node ? child : String(child));
  return node;
}

async function api(path, options = {}) {
  const res = await fetch(`${API}${path}`, {
    ...options,
    headers: options.body ? { 'Content-Type': 'application/json' } : {},
  });
  if (!res.ok) throw new Error(`${options.method ?? 'GET'} ${path}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}

const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const guest = (profileId) => `Guest ${profileId.slice(0, 6)}`;
// The agent API serves {"$unavailable": reason} for a stored value it cannot serve (docs/protocol.md §7).
const unavailable = (value) => value !== null && typeof value === 'object' && '$unavailable' in value;
const show = (value) =>
  unavailable(value) ? '(cannot be shown)' : typeof value === 'string' ? value : JSON.stringify(value);

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

function profileView(p) {
  const list = (items, empty) =>
    items.length ? el('ul', {}, ...items.map((i) => el('li', {}, i))) : el('p', { class: 'muted' }, empty);
  const traits = [
    ...Object.entries(p.traits).map(([k, v]) => [k, v, true]),
    ...Object.entries(p.unverifiedTraits ?? {}).map(([k, v]) => [k, v, false]),
  ];
  const forms = Object.entries(p.forms);
  return [
    el(
      'dl',
      {},
      el('dt', {}, 'User'),
      el('dd', {}, p.userId ?? 'anonymous'),
      ...traits.flatMap(([k, v, verified]) => [el('dt', {}, k), el('dd', {}, show(v), ' ', mark(verified))]),
    ),
    el('h3', {}, 'Cart'),
    list(
      p.cart.map((l) =>
        unavailable(l)
          ? `${l.key} (cannot be shown)`
          : `${l.qty ?? 1} × ${l.name ?? l.productId ?? l.key}${typeof l.price === 'number' ? ` · ${l.price} ${l.currency ?? ''}` : ''}${l.warning ? ` (${l.warning})` : ''}`,
      ),
      'Empty.',
    ),
    el('h3', {}, 'Unfinished forms'),
    list(
      forms.map(
        ([doc, fields]) =>
          `${doc.slice(5)}: ${Object.entries(fields)
            .map(([k, v]) => `${k} = ${show(v)}`)
            .join(', ')}`,
      ),
      'None.',
    ),
    el('h3', {}, 'Recent activity'),
    list(
      p.events.map((e) =>
        el(
          'span',
          {},
          `${new Date(e.timestamp).toLocaleString()} · ${e.event ?? e.name ?? e.type}${e.page?.path ? ` (${e.page.path})` : ''} `,
          mark(e.verified),
        ),
      ),
      'No events.',
    ),
    el('h3', {}, 'Devices'),
    list(
      p.devices.map((d) => `${d.anonymousId}${d.revoked ? ' (logged out)' : ''}`),
      'None.',
    ),
  ];
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
$('agent-name').value = localStorage.getItem('omnikit-agent-name') ?? 'Mia';
$('agent-name').addEventListener('change', () =>
  localStorage.setItem('omnikit-agent-name', $('agent-name').value),
);

/** The agent stream, read with fetch; reconnects with backoff and reloads what it may have missed. */
async function listen() {
  for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      const res = await fetch(`${API}/stream`);
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
      console.warn('[agent console]', error);
    }
    $('status').textContent = 'Reconnecting…';
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function handle(block) {
  const event = /^event: (.*)$/m.exec(block)?.[1];
  const data = /^data: (.*)$/m.exec(block)?.[1];
  if (!event || !data) return;
  const { profileId, typing } = JSON.parse(data);
  if (event === 'typing') return customerTyping(profileId, typing);
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

void listen();
