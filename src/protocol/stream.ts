// `GET /v1/stream` (Bearer, read with fetch): server-sent events; the `data` of each is JSON.

/** `event: changed`: the profile's documents changed; the client syncs. */
export interface StreamChanged {
  cursor: string;
}

/** `event: typing`: an agent is typing (or stopped); never stored, never replayed. */
export interface DeviceTyping {
  typing: boolean;
  /** The agent's display name, when given. */
  name?: string;
}
