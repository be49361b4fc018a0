/** Body of the `201` answer to `POST /v1/handoff` (Bearer): a one-time link's token. */
export interface HandoffCreated {
  /** HANDOFF_TOKEN_BITS random bits at least, base64url; carried in the link's fragment. */
  token: string;
  /** ISO 8601. */
  expiresAt: string;
}

/** Body of `POST /v1/handoff/peek` and `/claim` (Bearer). */
export interface HandoffTokenRequest {
  /** 1 to MAX_ID_LENGTH characters. */
  token: string;
}

/** What a handoff would resume, as the server counts it: live cart lines with a numeric `qty`. */
export interface HandoffSummary {
  cart: { lines: number; quantity: number };
}

/** Body of the `200` answer to `POST /v1/handoff/peek`: claims nothing. */
export interface HandoffPeek {
  summary: HandoffSummary;
  expiresAt: string;
}

/** Body of the `200` answer to `POST /v1/handoff/claim`: the device is on this profile now. */
export interface HandoffClaimed {
  profileId: string;
}
