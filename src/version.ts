declare const __OMNIKIT_VERSION__: string;

/** The library version, stamped in by the build ('dev' when running from source). */
export const version: string = typeof __OMNIKIT_VERSION__ === 'string' ? __OMNIKIT_VERSION__ : 'dev';
