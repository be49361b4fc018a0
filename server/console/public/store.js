// The console's store view, for associates at the till: the code a customer shows ("Show my cart in
// store" in the widget), typed or scanned from the QR code, opens their cart, what they viewed lately
// and their unfinished forms, read-only; "Complete the sale" records it (POST /v1/store/sales) and
// empties the cart on every device of the customer. Customer text goes into the page as text only.
import { el } from './dom.js';
import { draftsView } from './drafts.js';
import { money } from './format.js';

const API = '/v1/store';
const LANG = document.documentElement.lang || undefined;
const $ = (id) => document.getElementById(id);

/** What the store API's refusals mean at the till. */
const PROBLEMS = {
  invalid_store_code: 'That is not a code: six letters and digits, as the customer’s screen shows them.',
  store_code_not_found: 'No such code: check it with the customer.',
  store_code_expired: 'This code has expired: ask the customer to show a new one.',
  store_code_used: 'This code was used for a sale: ask the customer to show a new one.',
  store_cart_empty: 'The cart is empty: nothing was sold.',
  order_exists: 'The customer already has an order with this receipt number: check it.',
  invalid_order: 'Enter the receipt number of the sale.',
  rate_limited: 'Too many codes tried: wait a minute.',
};

/**
 * Starts the store view. `call(url, options)` is the console's same-origin call (session cookie,
 * CSRF token). Returns `stop()`, which clears what it showed.
 */
export function startStore(call) {
  let code = null;
  const fail = (message) => {
    $('store-error').textContent = message;
    $('store-error').hidden = !message;
  };
  const post = async (path, body) => {
    const res = await call(`${API}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const answer = await res.json().catch(() => ({}));
    if (res.ok) return answer;
    fail(PROBLEMS[answer.error?.code] ?? `The server answered ${res.status}.`);
    return null;
  };
  const lookup = async (given) => {
    fail('');
    $('store-done').hidden = true;
    const view = await post('/lookup', { code: given });
    $('store-view').hidden = !view;
    if (!view) return;
    code = given;
    show(view);
    $('store-order').focus();
  };

  const onLookup = (event) => {
    event.preventDefault();
    void lookup($('store-code').value);
  };
  const onPhoto = async () => {
    const photo = $('store-photo').files?.[0];
    $('store-photo').value = '';
    if (!photo) return;
    const text = await readQrCode(photo).catch(() => null);
    if (!text) return fail('No code could be read in that picture: try again, or type the code.');
    $('store-code').value = text.replace(/^omnikit-store:/, '');
    await lookup(text);
  };
  const onSale = async (event) => {
    event.preventDefault();
    const sale = await post('/sales', { code, orderId: $('store-order').value });
    if (!sale) return;
    $('store-cart').replaceChildren(el('p', { class: 'muted' }, 'Sold: the cart is empty now.'));
    $('store-sale').hidden = true;
    $('store-done').textContent =
      `Sale ${sale.order.id} completed: ${money(sale.order.total, sale.order.currency, LANG)}.`;
    $('store-done').hidden = false;
  };
  $('store-lookup').addEventListener('submit', onLookup);
  $('store-photo').addEventListener('change', onPhoto);
  $('store-sale').addEventListener('submit', onSale);
  return function stop() {
    $('store-lookup').removeEventListener('submit', onLookup);
    $('store-photo').removeEventListener('change', onPhoto);
    $('store-sale').removeEventListener('submit', onSale);
    for (const id of ['store-cart', 'store-recent', 'store-forms']) $(id).replaceChildren();
    $('store-view').hidden = true;
    $('store-code').value = '';
    fail('');
  };
}

/** The customer's cart (with its total), what they viewed lately and their unfinished forms. */
function show(view) {
  $('store-customer').textContent = view.name ?? (view.userId ? view.userId : 'Guest');
  const total = view.cart.reduce((sum, line) => sum + line.price * line.qty, 0);
  const currency = view.cart.find((line) => line.currency)?.currency;
  $('store-cart').replaceChildren(
    view.cart.length
      ? el(
          'ul',
          { class: 'rows' },
          ...view.cart.map((line) =>
            el(
              'li',
              { class: 'cart-line' },
              el('span', { class: 'item' }, `${line.qty} × ${line.name}`),
              el('span', { class: 'amount' }, money(line.price * line.qty, line.currency, LANG)),
            ),
          ),
          el(
            'li',
            { class: 'cart-line total' },
            el('span', {}, 'Total'),
            el('span', {}, money(total, currency, LANG)),
          ),
        )
      : el('p', { class: 'muted' }, 'The cart is empty.'),
  );
  $('store-sale').hidden = view.cart.length === 0;
  $('store-order').value = '';
  $('store-recent').replaceChildren(
    view.recent.length
      ? el(
          'ul',
          { class: 'rows' },
          ...view.recent.map((item) => el('li', {}, String(item.name ?? item.product_id))),
        )
      : el('p', { class: 'muted' }, 'Nothing.'),
  );
  $('store-forms').replaceChildren(...draftsView(view.forms));
}

/**
 * The text of the QR code in a photo: the browser's BarcodeDetector where it has one (Chrome on
 * Android and macOS, Edge), else jsQR, fetched from the server the first time it is needed.
 */
async function readQrCode(photo) {
  const bitmap = await createImageBitmap(photo);
  if ('BarcodeDetector' in window) {
    const [found] = await new window.BarcodeDetector({ formats: ['qr_code'] }).detect(bitmap);
    if (found) return found.rawValue;
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  return (await jsQR())(data, width, height)?.data ?? null;
}

let decoder;
/** jsQR, loaded once as a classic script of this origin (the page's CSP allows only those). */
function jsQR() {
  decoder ??= new Promise((resolve, reject) => {
    const script = el('script', { src: '/console/vendor/jsqr.js' });
    script.onload = () => resolve(window.jsQR);
    script.onerror = () => {
      decoder = undefined;
      reject(new Error('the QR decoder did not load'));
    };
    document.head.append(script);
  });
  return decoder;
}
