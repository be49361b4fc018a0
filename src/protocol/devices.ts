/** Body of `POST /v1/devices` (the write key here, in Basic auth or in `?writeKey=`). */
export interface RegisterRequest {
  writeKey?: string;
  /** 1 to MAX_ID_LENGTH characters. */
  anonymousId: string;
}

/** Body of its `201` answer: the token is shown once; the server keeps only its SHA-256. */
export interface RegisterAnswer {
  deviceId: string;
  /** DEVICE_TOKEN_BITS random bits, base64url: sent as `Authorization: Bearer` on every call after. */
  token: string;
  /** The device's fresh anonymous profile. */
  profileId: string;
}
