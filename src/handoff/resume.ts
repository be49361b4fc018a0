// Part of the handoff chunk: a resume link (an abandoned-cart email or SMS, made by the shop's
// server) offers a customer's cart lines on any device, a copy: nothing of their account comes along.
import { lineId } from '../cart/line.ts';
import type { Properties } from '../protocol/events.ts';
import { CART_DOC, type ResumeAnswer, type ResumeRequest } from '../protocol/index.ts';
import type { Sync } from '../sync/index.ts';
import { ask } from './ask.ts';
import type { HandoffRefused, IncomingHandoff } from './types.ts';

/**
 * What the resume link's `token` offers: the lines, added to this device's cart (a line it has already
 * keeps the larger quantity) on the customer's confirmation, with `Cart Restored` tracked (the page's
 * utm fields, the email's campaign, go with it); or why it cannot be taken. `forget` takes the token
 * out of the address bar.
 */
export async function resumeLink(
  sync: Sync,
  track: (event: string, properties: Properties) => void,
  token: string,
  forget: () => void,
): Promise<IncomingHandoff | (HandoffRefused & { dismiss(): void })> {
  const offer = await ask<ResumeAnswer>(sync, 'resume', { token } satisfies ResumeRequest);
  if (typeof offer === 'string') {
    if (offer !== 'unavailable') forget();
    return { problem: offer, dismiss: forget };
  }
  const { lines } = offer;
  return {
    summary: { cart: { lines: lines.length, quantity: lines.reduce((sum, line) => sum + line.qty, 0) } },
    async claim() {
      forget();
      const cart = sync.doc(CART_DOC);
      for (const line of lines) {
        const id = lineId(line);
        const held = (cart.get(id) as { qty?: number } | undefined)?.qty ?? 0;
        cart.set(id, { ...line, qty: Math.max(held, line.qty) });
      }
      track('Cart Restored', {
        products: lines.map((line) => ({
          product_id: line.productId,
          variant: line.variantId,
          name: line.name,
          price: line.price,
          currency: line.currency,
          quantity: line.qty,
        })),
      });
      return true;
    },
    dismiss: forget,
  };
}
