declare const __OMNIKIT_VERSION__: string;

/** The library version, stamped in by the build ('dev' when running from source). */
export const version: string = typeof __OMNIKIT_VERSION__ === 'string' ? __OMNIKIT_VERSION__ : 'dev';

declare const __CONTINUITY__: boolean;

/**
 * False in the tracker-only script-tag build, so its minifier drops the continuity hooks; true in
 * every other build and when running from source.
 */
export const withContinuity: boolean = typeof __CONTINUITY__ !== 'boolean' || __CONTINUITY__;

declare const __FORMS__: boolean;

/**
 * False only in the bench's core-only build (tracker + sync + cart, bench/size.mjs), which measures
 * the core's budget without the form pick-up; true in every shipped build and from source.
 */
export const withForms: boolean = typeof __FORMS__ !== 'boolean' || __FORMS__;

declare const __WIDGET__: boolean;

/** False only in builds made to measure the core without the widget's launcher (bench/size.mjs). */
export const withWidget: boolean = typeof __WIDGET__ !== 'boolean' || __WIDGET__;

declare const __ATTRIBUTION__: boolean;

/**
 * False only in the bench's core-only build (tracker + sync + cart, bench/size.mjs), which measures the
 * core without the traffic glue; true in every shipped build and from source.
 */
export const withAttribution: boolean = typeof __ATTRIBUTION__ !== 'boolean' || __ATTRIBUTION__;

declare const __PLAN__: boolean;

/** False in the tracker-only build and in builds made to measure the core without it (bench/size.mjs). */
export const withPlan: boolean = typeof __PLAN__ !== 'boolean' || __PLAN__;

declare const __CONSENT__: boolean;

/**
 * False only in builds made to measure the client without consent categories (bench/size.mjs): then
 * consent is all or nothing; true in every shipped build and from source.
 */
export const withConsent: boolean = typeof __CONSENT__ !== 'boolean' || __CONSENT__;

declare const __BRIDGES__: boolean;

/**
 * False only in builds made to measure the client without the consent bridges' glue (bench/size.mjs),
 * so their few bytes have a row and a budget of their own; true in every shipped build and from source.
 */
export const withBridges: boolean = typeof __BRIDGES__ !== 'boolean' || __BRIDGES__;

declare const __SHOP_STATE__: boolean;

/**
 * False only in builds made to measure the client without the shop's state (`orders`, `loyalty`,
 * `recent`: bench/size.mjs), so its bytes have a row and a budget of their own; true everywhere else.
 */
export const withShopState: boolean = typeof __SHOP_STATE__ !== 'boolean' || __SHOP_STATE__;
