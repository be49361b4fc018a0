// A shop page with forms, driven like a customer would (trusted input through Playwright), and what
// the page keeps on the device (IndexedDB, localStorage, cookies) to assert that secrets stay out.
import type { FixtureParams } from './helpers.ts';
import { type ClientPage, type pagePool, wrap } from './sdk.ts';

export const js = JSON.stringify;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the customer types into the fields a draft may keep. */
export const KEPT = {
  name: 'Mei Chen',
  street: '1 Harbour Road',
  pincode: '560001', // the Indian postal code, not a PIN
  spinner: 'blue', // "pin" inside a word
  businessName: 'Chen & Co', // "ssn" across a word break
  notes: 'Ring twice',
  country: ['fr'],
  slots: ['am', 'eve'],
  extras: ['gift', 'express'],
  speed: ['fast'],
};

/** Every field a draft must never keep, each with a value that is unique and easy to look for. */
export const SECRETS = {
  typed: [
    'password',
    'cardNumber',
    'card_holder',
    'creditcard',
    'cvv',
    'cvc',
    'iban',
    'ssn',
    'userSSN',
    'pin',
    'otp',
    'api_token',
    'client_secret',
    'g-recaptcha-response',
    'h-captcha-response',
    'csrf',
    'security_code',
    'show_password', // a password field a "show" toggle turned into text
    'cc_number_by_autocomplete',
    'cc_exp_by_autocomplete',
    'otp_by_autocomplete',
    'current_by_autocomplete',
    'new_by_autocomplete',
    'ignored',
    'ignored_deep',
  ],
  /** Not typeable: they carry their value in the markup. */
  preset: ['hidden', 'disabled', 'in_disabled_fieldset', 'submit', 'button', 'reset', 'image'],
};
export const secretOf = (name: string) => `SECRET-${name}-7f3a`;
export const SECRET_MARK = '7f3a';

const autocompleted: Record<string, string> = {
  cc_number_by_autocomplete: 'cc-number',
  cc_exp_by_autocomplete: 'billing cc-exp',
  otp_by_autocomplete: 'one-time-code',
  current_by_autocomplete: 'current-password',
  new_by_autocomplete: 'section-a new-password',
};

/** The checkout's shipping form: the fields a draft keeps, and every kind it must leave out. */
export function shippingForm(attributes = 'data-omnikit-form="shipping"'): string {
  const typed = SECRETS.typed
    .map((name) => {
      const type = name === 'password' ? 'password' : 'text';
      const auto = autocompleted[name] ? ` autocomplete="${autocompleted[name]}"` : '';
      const input = name.includes('captcha')
        ? `<textarea name="${name}"></textarea>`
        : `<input type="${type}" name="${name}"${auto}>`;
      if (name === 'ignored') return `<div data-omnikit-ignore>${input}</div>`;
      if (name === 'ignored_deep') return `<fieldset data-omnikit-ignore><p>${input}</p></fieldset>`;
      return input;
    })
    .join('\n');
  const secret = secretOf;
  return `<form id="shipping" ${attributes} action="/test/echo" method="post">
    <input name="name" autocomplete="name" required>
    <input name="street" autocomplete="shipping street-address">
    <input name="pincode">
    <input name="spinner">
    <input id="businessName">
    <textarea name="notes"></textarea>
    <select name="country"><option value="">-</option><option value="de">DE</option><option value="fr">FR</option></select>
    <select name="slots" multiple><option>am</option><option>pm</option><option>eve</option></select>
    <label><input type="checkbox" name="extras" value="gift"> gift</label>
    <label><input type="checkbox" name="extras" value="insurance"> insurance</label>
    <label><input type="checkbox" name="extras" value="express"> express</label>
    <label><input type="radio" name="speed" value="standard"> standard</label>
    <label><input type="radio" name="speed" value="fast"> fast</label>
    ${typed}
    <input type="hidden" name="hidden" value="${secret('hidden')}">
    <input name="disabled" value="${secret('disabled')}" disabled>
    <fieldset disabled><input name="in_disabled_fieldset" value="${secret('in_disabled_fieldset')}"></fieldset>
    <input type="file" name="file">
    <input type="button" name="button" value="${secret('button')}">
    <input type="reset" name="reset" value="${secret('reset')}">
    <input type="image" name="image" alt="${secret('image')}">
    <input type="submit" name="submit" value="${secret('submit')}">
  </form>`;
}

/** Types what the customer types: every kept field, and every secret that can be typed. */
export async function fillShipping(page: ClientPage, kept: Partial<typeof KEPT> = KEPT, secrets = true) {
  for (const [name, value] of Object.entries(kept)) {
    const selector = `#shipping [name="${name}"], #shipping #${name}`;
    if (name === 'country' || name === 'slots') await page.act('select', selector, value as string[]);
    else if (name === 'extras' || name === 'speed')
      for (const choice of value as string[])
        await page.act('check', `#shipping [name="${name}"][value="${choice}"]`);
    else await page.act('fill', selector, value as string);
  }
  if (secrets) for (const name of SECRETS.typed) await page.act('fill', `[name="${name}"]`, secretOf(name));
}

/** What the form shows now: text, or the values chosen (selects, checkboxes, radios). */
export function shownIn(page: ClientPage, selector = '#shipping'): Promise<Record<string, unknown>> {
  return page.eval(`(() => {
    const shown = {};
    for (const el of document.querySelector(${js(selector)}).elements) {
      const key = el.name || el.id;
      if (!key || /^(submit|button|reset|image|file)$/.test(el.type) || el.tagName === 'FIELDSET') continue;
      if (el.type === 'checkbox' || el.type === 'radio') (shown[key] ??= []), el.checked && shown[key].push(el.value);
      else if (el.tagName === 'SELECT') shown[key] = [...el.selectedOptions].map((o) => o.value);
      else shown[key] = el.value;
    }
    return shown;
  })()`);
}

/** The values of `KEPT`, as `shownIn` reads them, over a blank form. */
export const BLANK = {
  name: '',
  street: '',
  pincode: '',
  spinner: '',
  businessName: '',
  notes: '',
  country: [''],
  slots: [],
  extras: [],
  speed: [],
};

/** Opens a client page (a new device) and adds the shipping form after load, as an SPA would. */
export async function openShop(
  pool: ReturnType<typeof pagePool>,
  params: FixtureParams = {},
  html = shippingForm(),
  tab = false,
): Promise<ClientPage> {
  const page = await pool.open({ flushInterval: 50, ...params }, { tab });
  await addForm(page, html);
  return page;
}

export async function addForm(page: ClientPage, html = shippingForm()): Promise<void> {
  await page.eval(`document.body.insertAdjacentHTML('beforeend', ${js(html)})`);
}

/** Reloads a page and adds the form again (the page's own markup has none). */
export async function reopen(page: ClientPage, html = shippingForm()): Promise<ClientPage> {
  await page.reload();
  const again = await wrap(page);
  await addForm(again, html);
  return again;
}

/** Everything the page keeps on the device: IndexedDB (documents, outboxes, identity), localStorage, cookies. */
export function deviceStorage(page: ClientPage): Promise<string> {
  return page.eval(`(async () => {
    const out = [];
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of db.objectStoreNames) {
        const all = await new Promise((resolve) => {
          const get = db.transaction(store).objectStore(store).getAll();
          get.onsuccess = () => resolve(get.result);
        });
        out.push([name, store, all]);
      }
      db.close();
    }
    return JSON.stringify(out) + JSON.stringify({ ...localStorage }) + document.cookie;
  })()`);
}

/** The live draft of form `id` in the device's IndexedDB: key → value (the largest HLC per key wins). */
export function storedDraft(page: ClientPage, id = 'shipping'): Promise<Record<string, unknown>> {
  return page.eval(`(async () => {
    const db = await new Promise((resolve) => {
      const open = indexedDB.open('omnikit-docs-test-key');
      open.onsuccess = () => resolve(open.result);
    });
    const all = await new Promise((resolve) => {
      const get = db.transaction('kv').objectStore('kv').getAll();
      get.onsuccess = () => resolve(get.result);
    });
    db.close();
    const live = {};
    const hlcs = {};
    for (const r of all)
      if (r.doc === ${js(`form:${id}`)} && !(hlcs[r.key] > r.hlc)) {
        hlcs[r.key] = r.hlc;
        live[r.key] = r.deleted ? undefined : r.value[0];
      }
    for (const key of Object.keys(live)) if (live[key] === undefined) delete live[key];
    return live;
  })()`);
}
