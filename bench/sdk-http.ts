/**
 * The bench's simulated devices talking to the reference server over node:http, for the timed sync
 * loop: on a 2-core machine the load generator shares the cores with the server it measures, and
 * fetch (undici) spent 2-4 times the CPU of node:http for the same syncs, which showed as a longer
 * tail of sync latencies. A request is what sdkPost (sdk-post.ts) sends, JSON as text/plain from the
 * bench site's origin, over one keep-alive agent per server URL.
 */
import { Agent, request } from 'node:http';

export interface SdkAnswer {
  status: number;
  /** The body as text: the caller parses it, so its parsing counts in a timed call as before. */
  text: string;
}

export interface SdkClient {
  post(path: string, body: unknown, token?: string): Promise<SdkAnswer>;
  /** Closes the agent's sockets, so the server's shutdown does not wait on them. */
  close(): void;
}

/** A client of the server at `url` holding up to `sockets` connections (one per device, as browsers). */
export function sdkClient(url: string, sockets: number): SdkClient {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(url);
  const post = (path: string, body: unknown, token?: string) =>
    new Promise<SdkAnswer>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const headers = {
        'content-type': 'text/plain',
        'content-length': Buffer.byteLength(payload),
        origin: 'https://shop.example',
        ...(token && { authorization: `Bearer ${token}` }),
      };
      const outgoing = request(
        { agent, hostname, port, method: 'POST', path: `/v1/${path}`, headers },
        (answer) => {
          let text = '';
          answer.setEncoding('utf8');
          answer.on('data', (chunk: string) => {
            text += chunk;
          });
          answer.on('end', () => resolve({ status: answer.statusCode ?? 0, text }));
          answer.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  return { post, close: () => agent.destroy() };
}

export const isOk = ({ status }: SdkAnswer) => status >= 200 && status < 300;
