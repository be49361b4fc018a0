import type { Omnikit } from '../../types.ts';
import type { Words } from './i18n.ts';
import { money } from './money.ts';

/**
 * The customer's orders with their status as the shop's systems last wrote it, and the loyalty
 * balance: live (the panel draws again when either changes), read-only.
 */
export function OrdersView({ client, words, lang }: { client: Omnikit; words: Words; lang: string }) {
  const orders = client.orders.list();
  const balance = client.loyalty.get();
  return (
    <div class="body">
      {balance && (
        <p class="points" role="status">
          {words.points(balance.points, balance.tier)}
        </p>
      )}
      {orders.length ? (
        <ul class="lines">
          {orders.map((order) => (
            <li key={order.id}>
              <span class="name">
                {words.order(order.id)}
                <span class="status">{words.statuses[order.status] ?? order.status}</span>
              </span>
              {order.total !== undefined && <span>{money(order.total, order.currency, lang)}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p>{words.noOrders}</p>
      )}
    </div>
  );
}
