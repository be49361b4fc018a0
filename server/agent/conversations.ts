import type { Context, Handler } from 'hono';
import { readJsonObject } from '../body.ts';
import {
  AGENT_READ_KEY,
  CHAT_DOC,
  type ChatEntry,
  MAX_TEXT_LENGTH,
  MESSAGE_PREFIX,
  readChat,
} from '../chat/document.ts';
import { newId } from '../chat/id.ts';
import type { ProtocolDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { Site } from '../sites.ts';
import { authenticateAgent } from './auth.ts';
import { displayName, profileTraits } from './traits.ts';
import { agentHlc, writeChat } from './write.ts';

/** Default and largest `limit` of the conversation list. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
/** Longest agent display name. */
const MAX_NAME_LENGTH = 100;

/** One entry of GET /v1/agent/conversations. */
export interface ConversationSummary {
  profileId: string;
  userId: string | null;
  name?: string;
  lastMessage: Pick<ChatEntry, 'id' | 'text' | 'from' | 'at'>;
  /** Customer messages after `agentRead`. */
  unread: number;
  /** The `at` of the last message. */
  updatedAt: number;
}

/** Body of a 201 answer to POST /v1/agent/conversations/{profileId}/messages. */
export interface AgentMessageCreated {
  id: string;
  at: number;
}

/** `GET /v1/agent/conversations?limit=50`: the site's conversations, newest activity first. */
export function listConversationsHandler(deps: ProtocolDeps): Handler {
  return async (c) => {
    const site = authenticateAgent(c, deps);
    const raw = c.req.query('limit');
    const limit = raw === undefined ? DEFAULT_LIMIT : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ApiError(400, 'invalid_limit', `"limit" must be an integer from 1 to ${MAX_LIMIT}`);
    }
    const rows = await deps.store.conversations(site.id, limit);
    const conversations: ConversationSummary[] = [];
    for (const row of rows) {
      const chat = readChat(await deps.store.liveRecords(site.id, row.profileId, CHAT_DOC));
      const last = chat.messages[chat.messages.length - 1];
      if (!last) continue;
      const summary: ConversationSummary = {
        profileId: row.profileId,
        userId: row.userId,
        lastMessage: { id: last.id, text: last.text, from: last.from, at: last.at },
        unread: chat.unread,
        updatedAt: last.at,
      };
      const name = displayName(chat.messages, await profileTraits(deps, site.id, row.profileId));
      if (name !== undefined) summary.name = name;
      conversations.push(summary);
    }
    return c.json({ conversations });
  };
}

/** `POST /v1/agent/conversations/{profileId}/messages`, body `{text, name?}`: an agent's reply. */
export function replyHandler(deps: ProtocolDeps): Handler {
  return async (c) => {
    const { site, profileId } = await conversationOf(c, deps);
    const body = await readJsonObject(c.req.raw);
    const { text, name } = body;
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT_LENGTH) {
      throw new ApiError(
        400,
        'invalid_text',
        `"text" must be a non-blank string of at most ${MAX_TEXT_LENGTH} characters`,
      );
    }
    if (name !== undefined && (typeof name !== 'string' || name.length > MAX_NAME_LENGTH)) {
      throw new ApiError(
        400,
        'invalid_name',
        `"name" must be a string of at most ${MAX_NAME_LENGTH} characters`,
      );
    }
    const at = deps.now();
    const id = `a${newId()}`;
    const value = { text, from: 'agent', at, ...(name ? { name } : {}) };
    await writeChat(deps, site.id, profileId, [
      { key: `${MESSAGE_PREFIX}${id}`, value, hlc: agentHlc(at), deleted: false },
    ]);
    return c.json({ id, at } satisfies AgentMessageCreated, 201);
  };
}

/**
 * `POST /v1/agent/conversations/{profileId}/read`: the agents have read everything so far. `agentRead`
 * takes the newest message's `at` (a customer's clock may run ahead of the server's), else now.
 */
export function readHandler(deps: ProtocolDeps): Handler {
  return async (c) => {
    const { site, profileId } = await conversationOf(c, deps);
    const records = await deps.store.liveRecords(site.id, profileId, CHAT_DOC);
    const chat = readChat(records);
    const newest = chat.messages.reduce((max, m) => Math.max(max, m.at), 0);
    const at = Math.max(newest, chat.agentRead, newest === 0 ? deps.now() : 0);
    if (at !== chat.agentRead) {
      const previous = records.find((r) => r.key === AGENT_READ_KEY)?.hlc;
      await writeChat(deps, site.id, profileId, [
        { key: AGENT_READ_KEY, value: { at }, hlc: agentHlc(deps.now(), previous), deleted: false },
      ]);
    }
    return c.body(null, 204);
  };
}

/** `POST /v1/agent/conversations/{profileId}/typing`, body `{typing, name?}`: shown on the customer's devices. */
export function agentTypingHandler(deps: ProtocolDeps): Handler {
  return async (c) => {
    const { profileId } = await conversationOf(c, deps);
    const { typing, name } = await readJsonObject(c.req.raw);
    if (typeof typing !== 'boolean') throw new ApiError(400, 'invalid_typing', '"typing" must be a boolean');
    if (name !== undefined && (typeof name !== 'string' || name.length > MAX_NAME_LENGTH)) {
      throw new ApiError(
        400,
        'invalid_name',
        `"name" must be a string of at most ${MAX_NAME_LENGTH} characters`,
      );
    }
    deps.hub.signal(profileId, 'typing', { typing, ...(name ? { name } : {}) });
    return c.body(null, 204);
  };
}

/** The agent's site and the `{profileId}` of the path, which must be a profile of that site. */
export async function conversationOf(
  c: Context,
  deps: ProtocolDeps,
): Promise<{ site: Site; profileId: string }> {
  const site = authenticateAgent(c, deps);
  const profileId = c.req.param('profileId') ?? '';
  if (!(await deps.store.profileSummary(site.id, profileId))) {
    throw new ApiError(404, 'profile_not_found', `No profile "${profileId}" on this site`);
  }
  return { site, profileId };
}
