import type { Webhook } from './config.ts';

/**
 * The names of the webhooks an event goes to: those whose types include its type, whose `events`
 * (if any) name it, and whose consent `categories` it grants, each `true` in its
 * `context.consent.categoryPreferences` (Segment's shape; Global Privacy Control has already set
 * `marketing` false where it applies, server/privacy-control.ts). An event that says nothing of
 * consent grants nothing: a webhook that declares a category receives only events that grant it.
 */
export function webhooksOf(event: Record<string, unknown>, webhooks: readonly Webhook[]): string[] {
  const names: string[] = [];
  for (const webhook of webhooks) {
    if (!(webhook.types as readonly unknown[]).includes(event.type)) continue;
    if (webhook.events && event.type === 'track' && !webhook.events.includes(event.event as string)) continue;
    if (!grants(event, webhook.categories)) continue;
    names.push(webhook.name);
  }
  return names;
}

function grants(event: Record<string, unknown>, categories: readonly string[]): boolean {
  if (categories.length === 0) return true;
  const preferences = field(field(field(event, 'context'), 'consent'), 'categoryPreferences');
  return categories.every((category) => preferences?.[category] === true);
}

function field(
  value: Record<string, unknown> | undefined,
  name: string,
): Record<string, unknown> | undefined {
  const inner = value?.[name];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner)
    ? (inner as Record<string, unknown>)
    : undefined;
}
