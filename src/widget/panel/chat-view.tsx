import { useState } from 'preact/hooks';
import type { Chat } from '../../chat/chat.ts';
import type { Words } from './i18n.ts';
import type { Options } from './options.ts';

interface Props {
  chat: Chat;
  o: Options;
  w: Words;
  away: boolean;
}

/**
 * The conversation: messages as plain text (Preact sets text nodes, so markup or `javascript:` in a
 * message stays inert), a live region for new ones, the agents' typing, pre-chat fields before the
 * first message, and the away notice outside opening hours.
 */
export function ChatView({ chat, o, w, away }: Props) {
  const [text, setText] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const messages = chat.messages();
  const typing = chat.agentTyping();
  const asking = o.fields.length > 0 && !messages.some((m) => m.from === 'customer');
  const send = (e?: Event) => {
    e?.preventDefault();
    if (asking && o.fields.some((f) => f.required && !fields[f.name]?.trim())) return;
    if (chat.send(text, asking ? fields : undefined)) setText('');
  };
  return (
    <>
      <div class="body">
        {away && (
          <p class="note" role="status">
            {o.away ?? w.away}
          </p>
        )}
        {!messages.length && <p>{o.greeting ?? w.greeting}</p>}
        <div role="log" aria-live="polite" aria-label={w.chat}>
          <ol class="log">
            {messages.map((m) => (
              <li key={m.id} class={m.from}>
                <span class="who">{m.from === 'agent' ? m.name || w.agent : w.you}</span>
                {m.text}
              </li>
            ))}
          </ol>
        </div>
        <p class="typing" aria-live="polite">
          {typing ? w.typing(typing.name) : ''}
        </p>
      </div>
      <form onSubmit={send}>
        {asking &&
          o.fields.map((f) => (
            <label key={f.name}>
              {f.label}
              <input
                type={f.type ?? 'text'}
                name={f.name}
                required={f.required}
                value={fields[f.name] ?? ''}
                onInput={(e) => setFields({ ...fields, [f.name]: e.currentTarget.value })}
              />
            </label>
          ))}
        <div class="row">
          <textarea
            aria-label={w.message}
            rows={1}
            maxLength={4000}
            value={text}
            onInput={(e) => {
              setText(e.currentTarget.value);
              chat.typing(!!e.currentTarget.value);
            }}
            onKeyDown={(e) => {
              // Enter sends (through the form, so a required pre-chat field is asked for); Shift+Enter is a new line.
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <button class="send" type="submit">
            {w.send}
          </button>
        </div>
      </form>
    </>
  );
}
