// Resume links (§4): a signed, expiring link to a customer's cart for an abandoned-cart email or SMS.

/** The URL fragment parameter of a resume link's token (a fragment: never in a server log or a Referer). */
export const RESUME_PARAM = 'omnikit-resume';
/** How long a resume link works by default, and at most. */
export const RESUME_TTL_DEFAULT_HOURS = 72;
export const RESUME_TTL_MAX_HOURS = 30 * 24;

/** Body of `POST /v1/profiles/{userId}/resume-links` (server key). */
export interface ResumeLinkRequest {
  /** The shop page the link opens, on one of the site's origins. Default: the site's first origin. */
  url?: string;
  /** Hours the link works, 1 to RESUME_TTL_MAX_HOURS (default RESUME_TTL_DEFAULT_HOURS). */
  ttlHours?: number;
}

/** Answer `201` of `POST /v1/profiles/{userId}/resume-links`. */
export interface ResumeLinkCreated {
  /** `url` with `#omnikit-resume=<token>`: put it in the email. */
  link: string;
  expiresAt: string;
}

/** Body of `POST /v1/resume` (Bearer): the token of the link the page was opened with. */
export interface ResumeRequest {
  token: string;
}

/** A cart line a resume link offers: a copy, added to the device's own cart. */
export interface ResumeLine {
  productId: string;
  name: string;
  price: number;
  qty: number;
  variantId?: string;
  currency?: string;
  options?: Record<string, string>;
}

/** Answer `200` of `POST /v1/resume`: the cart's live lines now. */
export interface ResumeAnswer {
  lines: ResumeLine[];
  expiresAt: string;
}
