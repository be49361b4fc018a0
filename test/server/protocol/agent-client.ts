// Test-side client of the chat and agent API (§6–§7): plain HTTP, as a console or a widget would call it.
import { request } from 'node:http';
import { SHOP_AGENT_KEY } from '../helpers.ts';
import { api, hlc, SseReader, type WireRecord } from './client.ts';

/** Calls the agent API with the shop's agent key (or `key`; null sends none). */
export function agentApi(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; key?: string | null } = {},
): Promise<Response> {
  const key = options.key === undefined ? SHOP_AGENT_KEY : options.key;
  return api(baseUrl, method, path, { body: options.body, ...(key === null ? {} : { token: key }) });
}

/** An agent's reply; throws unless 201. */
export async function reply(baseUrl: string, profileId: string, text: string, name?: string) {
  const res = await agentApi(baseUrl, 'POST', `/v1/agent/conversations/${profileId}/messages`, {
    body: { text, ...(name ? { name } : {}) },
  });
  if (res.status !== 201) throw new Error(`reply: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; at: number };
}

/** A conversation of GET /v1/agent/conversations. */
export interface Conversation {
  profileId: string;
  userId: string | null;
  name?: string;
  nameVerified?: boolean;
  lastMessage: { id: string; text: string; from: string; at: number };
  unread: number;
  updatedAt: number;
}

/** The agent's list; throws unless 200. */
export async function conversations(baseUrl: string, query = ''): Promise<Conversation[]> {
  const res = await agentApi(baseUrl, 'GET', `/v1/agent/conversations${query}`);
  if (res.status !== 200) throw new Error(`conversations: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { conversations: Conversation[] }).conversations;
}

/** The 360° view; throws unless 200. */
export async function profile360(baseUrl: string, profileId: string): Promise<Record<string, unknown>> {
  const res = await agentApi(baseUrl, 'GET', `/v1/agent/profiles/${profileId}`);
  if (res.status !== 200) throw new Error(`profile: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** A customer message record `m:<id>` as a device pushes it. */
export function customerMessage(id: string, text: string, at: number, extra: object = {}): WireRecord {
  return { doc: 'chat', key: `m:${id}`, value: { text, from: 'customer', at, ...extra }, hlc: hlc(at) };
}

/** Opens GET /v1/agent/stream with the shop's agent key; throws unless 200. */
export function openAgentStream(baseUrl: string, key = SHOP_AGENT_KEY): Promise<SseReader> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/v1/agent/stream`, { headers: { Authorization: `Bearer ${key}` } });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode === 200) return resolve(new SseReader(res));
      res.resume();
      reject(new Error(`agent stream: ${res.statusCode}`));
    });
    req.end();
  });
}
