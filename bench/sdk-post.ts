/**
 * A POST to the reference server as the SDK sends it: JSON as text/plain (no preflight), from the
 * bench site's origin, with the device token when given.
 */
export function sdkPost(url: string, path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${url}/v1/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain',
      origin: 'https://shop.example',
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
}
