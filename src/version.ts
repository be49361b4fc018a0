declare const __OMNIKIT_VERSION__: string;

/** The library version, stamped in by the build ('dev' when running from source). */
export const version: string = typeof __OMNIKIT_VERSION__ === 'string' ? __OMNIKIT_VERSION__ : 'dev';

declare const __CONTINUITY__: boolean;

/**
 * False in the tracker-only script-tag build, so its minifier drops the continuity hooks; true in
 * every other build and when running from source.
 */
export const withContinuity: boolean = typeof __CONTINUITY__ !== 'boolean' || __CONTINUITY__;

declare const __WIDGET__: boolean;

/** False only in a build made to measure what the widget's launcher adds to the core (bench/size.mjs). */
export const withWidget: boolean = typeof __WIDGET__ !== 'boolean' || __WIDGET__;
