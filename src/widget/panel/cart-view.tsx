import type { CartLine } from '../../cart/line.ts';
import type { Omnikit } from '../../types.ts';
import type { Words } from './i18n.ts';
import { money } from './money.ts';
import { type AskStoreCode, StoreCodeView } from './store-code-view.tsx';

interface Props {
  client: Omnikit;
  lines: CartLine[];
  merged: boolean;
  words: Words;
  lang: string;
  /** Set when the shop has stores: "show my cart in store" under a cart with lines. */
  askStoreCode?: AskStoreCode;
}

/**
 * The synced cart: lines with their quantities (0 removes), the total, the merge notice, and in a
 * shop with stores, the code to show it at the till.
 */
export function CartView({ client, lines, merged, words, lang, askStoreCode }: Props) {
  const { amount, currency } = client.cart.total();
  return (
    <div class="body">
      {merged && (
        <p class="note" role="status">
          {words.merged}
        </p>
      )}
      {lines.length ? (
        <>
          <ul class="lines">
            {lines.map((line) => (
              <li key={line.id}>
                <span class="name">
                  {line.name}
                  {line.warning && <span class="warn">{words.warning}</span>}
                </span>
                <span>{money(line.price * line.quantity, line.currency ?? currency, lang)}</span>
                <input
                  type="number"
                  min={0}
                  inputMode="numeric"
                  aria-label={words.quantity(line.name)}
                  value={line.quantity}
                  onChange={(event) => {
                    const quantity = Number(event.currentTarget.value);
                    if (Number.isInteger(quantity) && quantity >= 0) client.cart.update(line.id, quantity);
                  }}
                />
                <button
                  type="button"
                  aria-label={words.remove(line.name)}
                  onClick={() => client.cart.remove(line.id)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <p class="total">
            <span>{words.total}</span>
            <span>{money(amount, currency, lang)}</span>
          </p>
          {askStoreCode && <StoreCodeView ask={askStoreCode} words={words} />}
        </>
      ) : (
        <p>{words.empty}</p>
      )}
    </div>
  );
}
