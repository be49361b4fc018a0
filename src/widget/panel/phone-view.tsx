import { useState } from 'preact/hooks';
import type { Omnikit } from '../../types.ts';
import type { Words } from './i18n.ts';
import { qrPath } from './qr.ts';

/** "Continue on your phone": a one-time handoff link as a QR code, made when asked for. */
export function PhoneView({ client, words }: { client: Omnikit; words: Words }) {
  const [link, setLink] = useState<string | null | undefined>();
  const make = async () => setLink((await client.handoff.create())?.url ?? null);
  const qr = link ? qrPath(link) : undefined;
  return (
    <div class="body">
      <p>{words.scan}</p>
      {qr ? (
        <>
          <svg class="qr" viewBox={`0 0 ${qr.size} ${qr.size}`} role="img" aria-label={words.phone}>
            <path d={qr.d} />
          </svg>
          <p class="link">
            {words.link}: <a href={link!}>{link}</a>
          </p>
        </>
      ) : (
        <button type="button" onClick={make}>
          {words.makeLink}
        </button>
      )}
      {link === null && (
        <p class="note" role="alert">
          {words.failed}
        </p>
      )}
    </div>
  );
}
