import type { OpeningHours, PreChatField, WidgetConfig } from '../types.ts';
import { languageOf } from './i18n.ts';

/**
 * The options with their defaults, whether given as `widget: {…}` or as `data-widget-*` attributes
 * (src/loader.ts maps `data-widget-z-index` to `zIndex`, its value a string).
 */
export function optionsOf(given: WidgetConfig) {
  const raw = (key: keyof WidgetConfig): unknown => given[key];
  const json = <T>(key: keyof WidgetConfig): T | undefined => {
    const value = raw(key);
    if (typeof value !== 'string') return value as T | undefined;
    try {
      return JSON.parse(value) as T;
    } catch {
      return undefined;
    }
  };
  const text = (key: keyof WidgetConfig) => {
    const value = raw(key);
    return typeof value === 'string' && value ? value : undefined;
  };
  const on = (key: keyof WidgetConfig) => raw(key) !== false && raw(key) !== 'false';
  const fields = json<PreChatField[]>('fields');
  return {
    color: text('color'),
    radius: text('radius'),
    font: text('font'),
    start: raw('position') === 'start',
    zIndex: Number(raw('zIndex')) || undefined,
    lang: languageOf(text('lang') ?? (typeof navigator === 'object' ? navigator.language : '') ?? ''),
    title: text('title'),
    greeting: text('greeting'),
    fields: Array.isArray(fields) ? fields.filter((f) => f && typeof f.name === 'string') : [],
    hours: json<OpeningHours>('hours'),
    away: text('away'),
    sound: on('sound'),
    cart: on('cart'),
    handoff: on('handoff'),
    // Off unless asked for: a shop without stores has no till to show a code at.
    inStore: raw('inStore') === true || raw('inStore') === 'true' || raw('inStore') === '',
  };
}

export type Options = ReturnType<typeof optionsOf>;

/** CSS custom properties on the host for the options that theme the widget (a stylesheet, not inline). */
export const themeOf = (options: Options): string =>
  `:host{${[
    options.color && `--omnikit-brand:${options.color}`,
    options.radius && `--omnikit-radius:${options.radius}`,
    options.font && `--omnikit-font:${options.font}`,
    options.zIndex && `--omnikit-z:${options.zIndex}`,
    options.start && '--omnikit-start:20px;--omnikit-end:auto',
  ]
    .filter(Boolean)
    .join(';')}}`;
