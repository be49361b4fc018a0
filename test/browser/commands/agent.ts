// The agent side of chat tests: commands that call the REAL agent API (/v1/agent/...) of the test
// backend over HTTP with the `test` site's agent key, as a support agent's console would.
import type { TestRunnerPlugin } from '@web/test-runner';
import Database from 'better-sqlite3';
import type {
  AgentCommandName,
  AgentStreamEvent,
  Customer,
  AgentCommandPayloads as P,
} from './agent-protocol.ts';
import { type BackendPlugin, TEST_AGENT_KEY } from './backend.ts';

export function agentPlugin(backend: BackendPlugin): TestRunnerPlugin {
  let stream: { events: AgentStreamEvent[]; abort: AbortController } | undefined;

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${backend.url()}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${TEST_AGENT_KEY}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text === '' ? true : (JSON.parse(text) as unknown);
  };

  // An anonymous id names a device; its profile is read from the database file (the agent API has no
  // lookup by device, and needs none: the console starts from the conversation list).
  const profileOf = (customer: Customer): string => {
    if (customer.profileId) return customer.profileId;
    const db = new Database(backend.databaseFile(), { readonly: true });
    try {
      const row = db
        .prepare<[string], { profile_id: string }>(
          `SELECT profile_id FROM devices WHERE site_id = 'test' AND anonymous_id = ? AND revoked_at IS NULL
            ORDER BY created_at DESC, rowid DESC LIMIT 1`,
        )
        .get(customer.anonymousId ?? '');
      if (!row) throw new Error(`No active device with anonymousId ${customer.anonymousId}`);
      return row.profile_id;
    } finally {
      db.close();
    }
  };
  const conversation = (customer: Customer, action: string) =>
    `/v1/agent/conversations/${encodeURIComponent(profileOf(customer))}/${action}`;

  const openStream = async () => {
    stream?.abort.abort();
    const abort = new AbortController();
    const res = await fetch(`${backend.url()}/v1/agent/stream`, {
      headers: { Authorization: `Bearer ${TEST_AGENT_KEY}` },
      signal: abort.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`agent stream: ${res.status}`);
    const events: AgentStreamEvent[] = [];
    stream = { events, abort };
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let split = buffer.indexOf('\n\n'); split !== -1; split = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, split);
            buffer = buffer.slice(split + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) } as AgentStreamEvent);
          }
        }
      } catch {
        // Closed by us, or by the backend restarting: the collected events stay readable.
      }
    })();
    return true as const;
  };

  return {
    name: 'omnikit-agent',

    async executeCommand({ command, payload }) {
      switch (command as AgentCommandName) {
        case 'agent-reply': {
          const { text, name, ...customer } = payload as P['agent-reply'];
          const profileId = profileOf(customer as Customer);
          const created = (await call('POST', conversation({ profileId }, 'messages'), {
            text,
            name,
          })) as object;
          return { ...created, profileId };
        }
        case 'agent-typing': {
          const { typing, name, ...customer } = payload as P['agent-typing'];
          return call('POST', conversation(customer as Customer, 'typing'), { typing, name });
        }
        case 'agent-read':
          return call('POST', conversation(payload as P['agent-read'], 'read'));
        case 'agent-conversations': {
          const limit = (payload as P['agent-conversations'])?.limit;
          const query = limit === undefined ? '' : `?limit=${limit}`;
          return ((await call('GET', `/v1/agent/conversations${query}`)) as { conversations: unknown[] })
            .conversations;
        }
        case 'agent-profile': {
          const profileId = profileOf(payload as P['agent-profile']);
          return call('GET', `/v1/agent/profiles/${encodeURIComponent(profileId)}`);
        }
        case 'agent-stream-open':
          return openStream();
        case 'agent-stream-events': {
          if (!stream) throw new Error('agent-stream-events: call agent-stream-open first');
          return stream.events.splice(0);
        }
        case 'agent-stream-close':
          stream?.abort.abort();
          stream = undefined;
          return true;
        default:
          return undefined; // not ours
      }
    },

    async serverStop() {
      stream?.abort.abort();
      stream = undefined;
    },
  };
}
