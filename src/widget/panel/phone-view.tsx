import { useState } from 'preact/hooks';
import type { HandoffProblem } from '../../handoff/handoff.ts';
import type { Omnikit } from '../../types.ts';
import type { Words } from './i18n.ts';
import { qrPath } from './qr.ts';

/**
 * "Continue on your phone": a one-time handoff link as a QR code, made when asked for. A signed-in
 * customer is told to sign in on the phone instead (the link would be refused, however often tried).
 */
export function PhoneView({ client, words }: { client: Omnikit; words: Words }) {
  const [link, setLink] = useState<string | undefined>();
  const [problem, setProblem] = useState<HandoffProblem | undefined>();
  const make = async () => {
    const made = await client.handoff.create();
    setLink(made.url);
    setProblem(made.problem);
  };
  const qr = link ? qrPath(link) : undefined;
  const signedIn = problem === 'signed_in';
  return (
    <div class="body">
      {!signedIn && <p>{words.scan}</p>}
      {qr ? (
        <>
          <svg class="qr" viewBox={`0 0 ${qr.size} ${qr.size}`} role="img" aria-label={words.phone}>
            <path d={qr.d} />
          </svg>
          <p class="link">
            {words.link}: <a href={link}>{link}</a>
          </p>
        </>
      ) : (
        !signedIn && (
          <button type="button" onClick={make}>
            {words.makeLink}
          </button>
        )
      )}
      {problem && (
        <p class="note" role="alert">
          {signedIn ? words.signedIn : words.failed}
        </p>
      )}
    </div>
  );
}
