/** The URL fragment parameter that carries a handoff token: never sent to a server, never in a Referer. */
export const HANDOFF_PARAM = 'omnikit-handoff';
