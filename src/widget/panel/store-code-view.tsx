import { useEffect, useState } from 'preact/hooks';
import { STORE_CODE_QR_PREFIX, type StoreCodeCreated } from '../../protocol/index.ts';
import type { Words } from './i18n.ts';
import { qrPath } from './qr.ts';

/** Asks the backend for an in-store code: the code, or undefined when it could not be had. */
export type AskStoreCode = () => Promise<StoreCodeCreated | undefined>;

/**
 * "Show my cart in store": a code staff read at the till (scanned as a QR code, or typed), made when
 * asked for. It shows the cart, read-only, for 10 minutes; then the button is back for a new one.
 */
export function StoreCodeView({ ask, words }: { ask: AskStoreCode; words: Words }) {
  const [made, setMade] = useState<StoreCodeCreated | undefined>();
  const [failed, setFailed] = useState(false);
  const make = async () => {
    const answer = await ask();
    setMade(answer);
    setFailed(!answer);
  };
  // An expired code would only be refused at the till: the button comes back to make a new one.
  useEffect(() => {
    if (!made) return;
    const timer = setTimeout(() => setMade(undefined), Date.parse(made.expiresAt) - Date.now());
    return () => clearTimeout(timer);
  }, [made]);
  const qr = made && qrPath(`${STORE_CODE_QR_PREFIX}${made.code}`);
  return (
    <div class="store">
      {made && qr ? (
        <>
          <p>{words.inStoreHelp}</p>
          <svg
            class="qr"
            viewBox={`0 0 ${qr.size} ${qr.size}`}
            role="img"
            aria-label={words.inStoreCode(made.code)}
          >
            <path d={qr.d} />
          </svg>
          {/* Three and three, as people read a code aloud; the QR code holds it whole. */}
          <p class="code" aria-hidden="true">
            {made.code.slice(0, 3)} {made.code.slice(3)}
          </p>
        </>
      ) : (
        <button type="button" onClick={make}>
          {words.inStore}
        </button>
      )}
      {failed && (
        <p class="note" role="alert">
          {words.failed}
        </p>
      )}
    </div>
  );
}
