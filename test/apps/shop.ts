// What the bindings' test shops (React and Vue) share: the product they add, and how they show a total.

export const SHOP_TEE = { productId: 'tee', name: 'Tee', price: 19.95, currency: 'EUR' };

/** "2 items, 39.9 EUR". */
export const showTotal = ({
  quantity,
  amount,
  currency,
}: {
  quantity: number;
  amount: number;
  currency?: string;
}) => `${quantity} items, ${amount} ${currency ?? ''}`.trim();
