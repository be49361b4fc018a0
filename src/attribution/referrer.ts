import type { ReferrerClass } from '../protocol/events.ts';

export type { ReferrerClass } from '../protocol/events.ts';

// Hosts (or utm_source names) by what they are; the captured name is the source, renamed by NAMES.
const SEARCH = /\b(google|bing|baidu|yahoo|naver|yandex|duckduckgo|ecosia|sogou|daum|seznam|qwant)\./;
const SOCIAL =
  /\b(facebook|fb|instagram|line|weibo|twitter|linkedin|lnkd|reddit|pinterest|youtube|tiktok|threads|kakao|vk|t(?=\.co\b)|x(?=\.com\b)|weixin|wechat)\./;
const NAMES: Record<string, string> = {
  fb: 'facebook',
  lnkd: 'linkedin',
  t: 'x',
  twitter: 'x',
  weixin: 'wechat',
};

/**
 * Click ids and the network that adds them. fbclid alone is not a paid click: Meta adds it to
 * organic links too (it counts as social). The same ids as src/protocol/click-ids.ts (tested).
 */
export const CLICK_IDS: Record<string, string> = {
  gclid: 'google',
  gbraid: 'google',
  wbraid: 'google',
  dclid: 'google',
  msclkid: 'bing',
  ttclid: 'tiktok',
  li_fat_id: 'linkedin',
  twclid: 'x',
  yclid: 'yandex',
  fbclid: 'facebook',
};

/** The referrer's host without `www.`, '' when it is none or on `site` (a host or cookie domain) or a subdomain. */
export const externalHost = (referrer: string, site: string): string => {
  const host = /\/\/(?:www\.)?([^/:?#]+)/.exec(referrer)?.[1] || '';
  return `.${host}`.endsWith(`.${site.replace(/^www\./, '')}`) ? '' : host;
};

/**
 * The class and source of a visit from its `context.campaign` (utm_* with utm_campaign as `name`,
 * and click ids) and external referrer host: utm_medium first, then the click id, then the host.
 */
export function classify(
  campaign: Record<string, string>,
  host: string,
  id?: string,
): [ReferrerClass, string] {
  const medium = (campaign.medium || '').toLowerCase();
  // Webmail is email, whoever runs it (mail.google.com, mail.yahoo.co.jp).
  const mail = /\b(web)?mail\.|^outlook\./.test(host);
  const names = `${mail ? '' : host} ${campaign.source}.`.toLowerCase();
  const search = SEARCH.exec(names)?.[1];
  const social = SOCIAL.exec(names)?.[1];
  const source =
    campaign.source || (id && CLICK_IDS[id]) || NAMES[search || social!] || search || social || host;
  const cls: ReferrerClass = medium
    ? /^(cpc|ppc|cp[mva]|display|banner|retargeting)|paid/.test(medium)
      ? 'paid'
      : /e-?mail|newsletter/.test(medium)
        ? 'email'
        : /social|^sm$/.test(medium)
          ? 'social'
          : medium === 'organic'
            ? 'search'
            : 'referral'
    : id && id !== 'fbclid'
      ? 'paid'
      : mail
        ? 'email'
        : search
          ? 'search'
          : social || id
            ? 'social'
            : source
              ? 'referral'
              : 'direct';
  return [cls, source || '(direct)'];
}
