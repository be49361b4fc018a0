import type { CartLine } from '../../cart/line.ts';
import type { Omnikit } from '../../types.ts';
import type { Words } from './i18n.ts';

interface Props {
  client: Omnikit;
  lines: CartLine[];
  merged: boolean;
  w: Words;
  lang: string;
}

/** The synced cart: lines with their quantities (0 removes), the total, and the merge notice. */
export function CartView({ client, lines, merged, w, lang }: Props) {
  const { amount, currency } = client.cart.total();
  const money = (n: number, cur = currency) =>
    cur ? new Intl.NumberFormat(lang, { style: 'currency', currency: cur }).format(n) : `${n}`;
  return (
    <div class="body">
      {merged && (
        <p class="note" role="status">
          {w.merged}
        </p>
      )}
      {lines.length ? (
        <>
          <ul class="lines">
            {lines.map((l) => (
              <li key={l.id}>
                <span class="name">
                  {l.name}
                  {l.warning && <span class="warn">{w.warning}</span>}
                </span>
                <span>{money(l.price * l.quantity, l.currency)}</span>
                <input
                  type="number"
                  min={0}
                  inputMode="numeric"
                  aria-label={w.quantity(l.name)}
                  value={l.quantity}
                  onChange={(e) => {
                    const n = Number(e.currentTarget.value);
                    if (Number.isInteger(n) && n >= 0) client.cart.update(l.id, n);
                  }}
                />
                <button type="button" aria-label={w.remove(l.name)} onClick={() => client.cart.remove(l.id)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
          <p class="total">
            <span>{w.total}</span>
            <span>{money(amount)}</span>
          </p>
        </>
      ) : (
        <p>{w.empty}</p>
      )}
    </div>
  );
}
