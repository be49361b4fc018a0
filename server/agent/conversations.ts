import type { Context, Handler } from 'hono';
import {
  AGENT_READ_KEY,
  AGENT_REPLICA,
  CHAT_DOC,
  MAX_CHAT_TEXT_LENGTH,
  MESSAGE_PREFIX,
  replicaHlc,
} from '../../src/protocol/index.ts';
import { readJsonObject } from '../body.ts';
import { type ChatEntry, readChat } from '../chat/document.ts';
import { newId } from '../chat/id.ts';
import { requireStaff } from '../console/require-staff.ts';
import type { ProtocolDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { Site } from '../sites.ts';
import type { ConversationCursor, ConversationRow } from '../store/agent-types.ts';
import { isStorableText } from '../values/index.ts';
import { displayName, profileTraits } from './traits.ts';
import { writeChat } from './write.ts';

/** Default and largest `limit` of the conversation list. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
/**
 * Pages of profiles one list reads at most: a conversation none of whose messages can be read is
 * left out and the next page fills its place, but a site full of them must not make the list scan
 * every profile.
 */
const MAX_LIST_PAGES = 4;
/** Longest agent display name. */
const MAX_NAME_LENGTH = 100;

/** One entry of GET /v1/agent/conversations. */
export interface ConversationSummary {
  profileId: string;
  userId: string | null;
  name?: string;
  /** Whether `name` comes from a verified trait (server key); present with `name`. */
  nameVerified?: boolean;
  /** The last message the server received (its `at` is whatever time the message claims). */
  lastMessage: Pick<ChatEntry, 'id' | 'text' | 'from' | 'at'>;
  /** Customer messages the server received after the agents last read the conversation. */
  unread: number;
  /** When the server received the last message (its own clock, ms): never a time a client claims. */
  updatedAt: number;
}

/** Body of a 201 answer to POST /v1/agent/conversations/{profileId}/messages. */
export interface AgentMessageCreated {
  id: string;
  at: number;
}

/**
 * `GET /v1/agent/conversations?limit=50`: the site's conversations, the one that received a message
 * last first (the server's order of arrival, never a time a message claims).
 */
export function listConversationsHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const site = await requireStaff(context, deps, 'agent');
    const raw = context.req.query('limit');
    const limit = raw === undefined ? DEFAULT_LIMIT : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ApiError(400, 'invalid_limit', `"limit" must be an integer from 1 to ${MAX_LIMIT}`);
    }
    const conversations: ConversationSummary[] = [];
    let cursor: ConversationCursor | undefined;
    for (let page = 0; page < MAX_LIST_PAGES && conversations.length < limit; page++) {
      const wanted = limit - conversations.length;
      const rows = await deps.store.conversations(site.id, wanted, cursor);
      for (const row of rows) {
        const summary = await summaryOf(deps, site.id, row);
        if (summary) conversations.push(summary);
      }
      if (rows.length < wanted) break;
      cursor = rows[rows.length - 1];
    }
    return context.json({ conversations });
  };
}

/** One entry of the list; undefined when none of the conversation's messages can be read. */
async function summaryOf(
  deps: ProtocolDeps,
  siteId: string,
  row: ConversationRow,
): Promise<ConversationSummary | undefined> {
  const chat = readChat(await deps.store.receivedRecords(siteId, row.profileId, CHAT_DOC));
  const last = chat.messages[chat.messages.length - 1];
  if (!last || chat.lastReceivedAt === undefined) return undefined;
  const summary: ConversationSummary = {
    profileId: row.profileId,
    userId: row.userId,
    lastMessage: { id: last.id, text: last.text, from: last.from, at: last.at },
    unread: chat.unread,
    updatedAt: chat.lastReceivedAt,
  };
  const name = displayName(chat.messages, await profileTraits(deps, siteId, row.profileId));
  if (name !== undefined) {
    summary.name = name.name;
    summary.nameVerified = name.verified;
  }
  return summary;
}

/** `POST /v1/agent/conversations/{profileId}/messages`, body `{text, name?}`: an agent's reply. */
export function replyHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { site, profileId } = await conversationOf(context, deps);
    const body = await readJsonObject(context);
    const { text, name } = body;
    if (
      typeof text !== 'string' ||
      text.trim() === '' ||
      text.length > MAX_CHAT_TEXT_LENGTH ||
      !isStorableText(text)
    ) {
      throw new ApiError(
        400,
        'invalid_text',
        `"text" must be a non-blank string of at most ${MAX_CHAT_TEXT_LENGTH} characters, well-formed Unicode without U+0000`,
      );
    }
    checkAgentName(name);
    const at = deps.now();
    const id = `a${newId()}`;
    const value = { text, from: 'agent', at, ...(name ? { name } : {}) };
    await writeChat(deps, site.id, profileId, [
      { key: `${MESSAGE_PREFIX}${id}`, value, hlc: replicaHlc(AGENT_REPLICA, at), deleted: false },
    ]);
    return context.json({ id, at } satisfies AgentMessageCreated, 201);
  };
}

/**
 * `POST /v1/agent/conversations/{profileId}/read`: the agents have read everything received so far.
 * Writes `agentRead` (when there is something new to read): where it lands in the server's order of
 * arrival is the read mark, so no time a message claims can move it.
 */
export function readHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { site, profileId } = await conversationOf(context, deps);
    const chat = readChat(await deps.store.receivedRecords(site.id, profileId, CHAT_DOC));
    if (chat.agentRead === undefined || chat.unread > 0) {
      const now = deps.now();
      await writeChat(deps, site.id, profileId, [
        {
          key: AGENT_READ_KEY,
          value: { at: now },
          hlc: replicaHlc(AGENT_REPLICA, now, chat.agentRead?.hlc),
          deleted: false,
        },
      ]);
    }
    return context.body(null, 204);
  };
}

/** `POST /v1/agent/conversations/{profileId}/typing`, body `{typing, name?}`: shown on the customer's devices. */
export function agentTypingHandler(deps: ProtocolDeps): Handler {
  return async (context) => {
    const { profileId } = await conversationOf(context, deps);
    const { typing, name } = await readJsonObject(context);
    if (typeof typing !== 'boolean') throw new ApiError(400, 'invalid_typing', '"typing" must be a boolean');
    checkAgentName(name);
    deps.hub.agentTyping(profileId, typing, name);
    return context.body(null, 204);
  };
}

/** The agent's site and the `{profileId}` of the path, which must be a profile of that site. */
export async function conversationOf(
  context: Context,
  deps: ProtocolDeps,
): Promise<{ site: Site; profileId: string }> {
  const site = await requireStaff(context, deps, 'agent');
  const profileId = context.req.param('profileId') ?? '';
  // No profile id holds U+0000 (a `%00` in the path) or a lone surrogate, and PostgreSQL would
  // refuse it as a query parameter: such an id is answered before it reaches the store.
  if (!isStorableText(profileId) || !(await deps.store.profileSummary(site.id, profileId))) {
    throw new ApiError(404, 'profile_not_found', `No profile "${profileId}" on this site`);
  }
  return { site, profileId };
}

/** Refuses an agent display name that is not a short, well-formed string (400 `invalid_name`). */
function checkAgentName(name: unknown): asserts name is string | undefined {
  if (
    name !== undefined &&
    (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || !isStorableText(name))
  ) {
    throw new ApiError(
      400,
      'invalid_name',
      `"name" must be a string of at most ${MAX_NAME_LENGTH} characters, well-formed Unicode without U+0000`,
    );
  }
}
