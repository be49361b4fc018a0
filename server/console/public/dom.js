// Building the console's page: every piece of customer (or staff) text becomes a text node, never HTML.

/** An element with attributes and children; strings become text nodes (never parsed as HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child != null) node.append(child instanceof Node ? child : String(child));
  return node;
}
