import { useState } from 'preact/hooks';
import type { Chat, ChatMessage } from '../../chat/chat.ts';
import { MAX_CHAT_FIELD_LENGTH, MAX_CHAT_TEXT_LENGTH } from '../../protocol/index.ts';
import type { Words } from './i18n.ts';
import type { Options } from './options.ts';

interface Props {
  chat: Chat;
  options: Options;
  words: Words;
  away: boolean;
}

/**
 * The conversation: messages as plain text (Preact sets text nodes, so markup or `javascript:` in a
 * message stays inert), a live region for new ones, the agents' typing, pre-chat fields before the
 * first message, and the away notice outside opening hours.
 */
export function ChatView({ chat, options, words, away }: Props) {
  const [text, setText] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const messages = chat.messages();
  const typing = chat.agentTyping();
  const asking = options.fields.length > 0 && !messages.some((m) => m.from === 'customer');
  const send = (event?: Event) => {
    event?.preventDefault();
    if (asking && options.fields.some((field) => field.required && !fields[field.name]?.trim())) return;
    if (chat.send(text, asking ? fields : undefined)) setText('');
  };
  return (
    <>
      <div class="body">
        {away && (
          <p class="note" role="status">
            {options.away ?? words.away}
          </p>
        )}
        {!messages.length && <p>{options.greeting ?? words.greeting}</p>}
        <div role="log" aria-live="polite" aria-label={words.chat}>
          <ol class="log">
            {messages.map((message) => (
              <li key={message.id} class={message.from}>
                <span class="who">{message.from === 'agent' ? message.name || words.agent : words.you}</span>
                <span class="text">{message.text}</span>
                <Delivery message={message} words={words} />
              </li>
            ))}
          </ol>
        </div>
        <p class="typing" aria-live="polite">
          {typing ? words.typing(typing.name) : ''}
        </p>
      </div>
      <form onSubmit={send}>
        {asking &&
          options.fields.map((field) => (
            <label key={field.name}>
              {field.label}
              <input
                type={field.type ?? 'text'}
                name={field.name}
                required={field.required}
                maxLength={MAX_CHAT_FIELD_LENGTH}
                value={fields[field.name] ?? ''}
                onInput={(event) => setFields({ ...fields, [field.name]: event.currentTarget.value })}
              />
            </label>
          ))}
        <div class="row">
          <textarea
            aria-label={words.message}
            rows={1}
            maxLength={MAX_CHAT_TEXT_LENGTH}
            value={text}
            onInput={(event) => {
              setText(event.currentTarget.value);
              chat.typing(!!event.currentTarget.value);
            }}
            onKeyDown={(event) => {
              // Enter sends (through the form, so a required pre-chat field is asked for); Shift+Enter is a new line.
              if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                event.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <button class="send" type="submit">
            {words.send}
          </button>
        </div>
      </form>
    </>
  );
}

/** A customer's message not on the server: still to send (offline, say), or refused by it. */
function Delivery({ message, words }: { message: ChatMessage; words: Words }) {
  const { status } = message;
  if (message.from === 'agent' || (status !== 'pending' && status !== 'refused')) return null;
  return <span class={`status ${status}`}>{status === 'pending' ? words.sending : words.refused}</span>;
}
