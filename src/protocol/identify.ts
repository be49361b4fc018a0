/** Body of `POST /v1/identify` (Bearer). */
export interface IdentifyRequest {
  /** 1 to MAX_ID_LENGTH characters of well-formed Unicode without U+0000. */
  userId: string;
  /** hex(HMAC-SHA256(site secret, userId)), computed by the site's own server. */
  userHash: string;
}

/** Body of its `200` answer: the device is on the user's profile now. */
export interface IdentifyAnswer {
  profileId: string;
  userId: string;
  previousProfileId: string;
  /** The device came from an anonymous profile: the client applies its guest-cart merge policy once. */
  wasAnonymous: boolean;
}
