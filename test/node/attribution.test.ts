// Attribution rules: referrer classes, UTM and click ids on real-world URLs and referrers, and the
// first-/last-touch rule (src/attribution/, pure functions). The campaign is read from the URL by the
// core's own campaignOf, exactly as every event's context.campaign is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextTouches, type Touches, touchOf } from '../../src/attribution/touch.ts';
import { campaignOf } from '../../src/core/context.ts';

const SITE = 'shop.example';
const touch = (url: string, referrer: string, at = 1, site = SITE) =>
  touchOf(campaignOf(new URL(url, `https://${SITE}/`).search), referrer, site, at);

/** [what, landing URL (path + query), referrer, class, source, medium, campaign?, clickId?, site?] */
const TABLE: [string, string, string, string, string, string, string?, string?, string?][] = [
  ['Google organic', '/', 'https://www.google.com/', 'search', 'google', 'organic'],
  ['Google Japan organic', '/p/1', 'https://www.google.co.jp/', 'search', 'google', 'organic'],
  ['Bing organic', '/', 'https://www.bing.com/', 'search', 'bing', 'organic'],
  ['Bing China', '/', 'https://cn.bing.com/', 'search', 'bing', 'organic'],
  ['Baidu', '/', 'https://www.baidu.com/link?url=a1B2&wd=&eqid=9f2c', 'search', 'baidu', 'organic'],
  ['Baidu mobile', '/', 'https://m.baidu.com/from=844b/s?word=tee', 'search', 'baidu', 'organic'],
  [
    'Baidu paid (Baidu Tuiguang, utm)',
    '/?utm_source=baidu&utm_medium=cpc&utm_campaign=brand-cn',
    'https://www.baidu.com/baidu.php?url=a1',
    'paid',
    'baidu',
    'cpc',
    'brand-cn',
  ],
  ['Yahoo Japan', '/', 'https://search.yahoo.co.jp/', 'search', 'yahoo', 'organic'],
  ['Naver', '/', 'https://search.naver.com/search.naver?query=tee', 'search', 'naver', 'organic'],
  ['Naver mobile', '/', 'https://m.search.naver.com/', 'search', 'naver', 'organic'],
  ['Yandex', '/', 'https://yandex.ru/', 'search', 'yandex', 'organic'],
  ['DuckDuckGo', '/', 'https://duckduckgo.com/', 'search', 'duckduckgo', 'organic'],
  ['utm organic', '/?utm_source=google&utm_medium=organic', '', 'search', 'google', 'organic'],
  [
    'Facebook link shim + fbclid',
    '/?fbclid=IwAR0abc',
    'https://l.facebook.com/',
    'social',
    'facebook',
    'social',
    undefined,
    'fbclid=IwAR0abc',
  ],
  ['Facebook mobile', '/', 'https://m.facebook.com/', 'social', 'facebook', 'social'],
  [
    'Facebook lm shim',
    '/',
    'https://lm.facebook.com/l.php?u=https%3A%2F%2Fshop.example',
    'social',
    'facebook',
    'social',
  ],
  [
    'fbclid, no referrer (in-app browser)',
    '/?fbclid=IwAR1',
    '',
    'social',
    'facebook',
    'social',
    undefined,
    'fbclid=IwAR1',
  ],
  ['Instagram', '/', 'https://l.instagram.com/', 'social', 'instagram', 'social'],
  ['LINE', '/', 'https://line.me/R/ti/p/@shop', 'social', 'line', 'social'],
  [
    'Instagram in-app browser, utm',
    '/?utm_source=instagram&utm_medium=social',
    '',
    'social',
    'instagram',
    'social',
  ],
  [
    'LINE message, utm only',
    '/?utm_source=line&utm_medium=message&utm_campaign=oa',
    '',
    'referral',
    'line',
    'message',
    'oa',
  ],
  ['LINE, utm social', '/?utm_source=line&utm_medium=social', '', 'social', 'line', 'social'],
  ['WeChat article', '/', 'https://mp.weixin.qq.com/', 'social', 'wechat', 'social'],
  ['WeChat, utm_source', '/?utm_source=wechat', '', 'social', 'wechat', 'social'],
  ['WeChat Moments share', '/?from=timeline&isappinstalled=0', '', 'direct', '(direct)', '(none)'],
  ['X via t.co', '/', 'https://t.co/AbC123xyz', 'social', 'x', 'social'],
  ['X', '/', 'https://x.com/', 'social', 'x', 'social'],
  ['Twitter', '/', 'https://twitter.com/', 'social', 'x', 'social'],
  ['LinkedIn', '/', 'https://www.linkedin.com/', 'social', 'linkedin', 'social'],
  ['LinkedIn short link', '/', 'https://lnkd.in/eAbC', 'social', 'linkedin', 'social'],
  [
    'newsletter',
    '/?utm_source=newsletter&utm_medium=email&utm_campaign=spring',
    '',
    'email',
    'newsletter',
    'email',
    'spring',
  ],
  [
    'Mailchimp',
    '/?utm_source=Spring+Sale&utm_medium=email&utm_campaign=a1b2',
    '',
    'email',
    'Spring Sale',
    'email',
    'a1b2',
  ],
  ['utm_medium=newsletter', '/?utm_source=weekly&utm_medium=newsletter', '', 'email', 'weekly', 'newsletter'],
  ['Gmail web', '/', 'https://mail.google.com/', 'email', 'mail.google.com', 'email'],
  ['Yahoo Mail', '/', 'https://mail.yahoo.co.jp/', 'email', 'mail.yahoo.co.jp', 'email'],
  ['Outlook', '/', 'https://outlook.live.com/', 'email', 'outlook.live.com', 'email'],
  [
    'Google Ads, utm cpc',
    '/?utm_source=google&utm_medium=cpc&utm_campaign=brand',
    'https://www.google.com/',
    'paid',
    'google',
    'cpc',
    'brand',
  ],
  [
    'Google Ads, gclid only',
    '/?gclid=Cj0KCQ',
    'https://www.google.com/',
    'paid',
    'google',
    'cpc',
    undefined,
    'gclid=Cj0KCQ',
  ],
  ['Google Ads iOS, gbraid', '/?gbraid=0AAAAA', '', 'paid', 'google', 'cpc', undefined, 'gbraid=0AAAAA'],
  ['Google Ads web-to-app, wbraid', '/?wbraid=Cl0K', '', 'paid', 'google', 'cpc', undefined, 'wbraid=Cl0K'],
  ['Display & Video 360, dclid', '/?dclid=CjgK', '', 'paid', 'google', 'cpc', undefined, 'dclid=CjgK'],
  [
    'Microsoft Ads',
    '/?msclkid=9f8e',
    'https://www.bing.com/',
    'paid',
    'bing',
    'cpc',
    undefined,
    'msclkid=9f8e',
  ],
  [
    'Microsoft Ads with utm',
    '/?utm_source=bing&utm_medium=cpc&utm_campaign=shoes&msclkid=77aa',
    'https://www.bing.com/',
    'paid',
    'bing',
    'cpc',
    'shoes',
    'msclkid=77aa',
  ],
  ['TikTok Ads', '/?ttclid=E.C.P', '', 'paid', 'tiktok', 'cpc', undefined, 'ttclid=E.C.P'],
  ['LinkedIn Ads', '/?li_fat_id=abc-1', '', 'paid', 'linkedin', 'cpc', undefined, 'li_fat_id=abc-1'],
  ['X Ads', '/?twclid=2abc', 'https://t.co/x', 'paid', 'x', 'cpc', undefined, 'twclid=2abc'],
  ['Yandex Direct', '/?yclid=123', '', 'paid', 'yandex', 'cpc', undefined, 'yclid=123'],
  [
    'Meta paid social',
    '/?utm_source=facebook&utm_medium=paid_social&utm_campaign=retarget&fbclid=Iw',
    'https://l.facebook.com/',
    'paid',
    'facebook',
    'paid_social',
    'retarget',
    'fbclid=Iw',
  ],
  ['display banner', '/?utm_source=criteo&utm_medium=display', '', 'paid', 'criteo', 'display'],
  [
    'Hacker News',
    '/',
    'https://news.ycombinator.com/item?id=1',
    'referral',
    'news.ycombinator.com',
    'referral',
  ],
  ['a blog', '/', 'https://blog.example.org/best-tees', 'referral', 'blog.example.org', 'referral'],
  ['partner, utm only', '/?utm_source=partner&utm_medium=affiliate', '', 'referral', 'partner', 'affiliate'],
  ['direct', '/', '', 'direct', '(direct)', '(none)'],
  ['same site', '/cart', `https://${SITE}/p/1`, 'direct', '(direct)', '(none)'],
  ['same site, www', '/cart', `https://www.${SITE}/`, 'direct', '(direct)', '(none)'],
  ['subdomain of the site', '/', `https://blog.${SITE}/`, 'direct', '(direct)', '(none)'],
  [
    'site given as www host, referrer without www',
    '/',
    `https://${SITE}/`,
    'direct',
    '(direct)',
    '(none)',
    undefined,
    undefined,
    `www.${SITE}`,
  ],
  [
    'a host that ends like the site',
    '/',
    'https://notshop.example/',
    'referral',
    'notshop.example',
    'referral',
  ],
];

describe('touchOf: referrer classes, UTM and click ids', () => {
  for (const [what, url, referrer, cls, source, medium, campaign, clickId, site] of TABLE) {
    it(`${what}: ${cls} / ${source}`, () => {
      const t = touch(url, referrer, 42, site);
      assert.deepEqual(
        { ...t },
        { class: cls, source, medium, campaign, clickId, at: 42 },
        `${url} from ${referrer || '(no referrer)'}`,
      );
    });
  }
});

describe('nextTouches: first and last touch', () => {
  const step = (prev: Touches | undefined, url: string, referrer: string, at: number) =>
    nextTouches(prev, touch(url, referrer, at));

  it('keeps the first touch forever and replaces the last only with a new campaign or external referrer', () => {
    let s = step(undefined, '/', 'https://www.google.com/', 1);
    assert.deepEqual([s.first.source, s.last.source], ['google', 'google']);
    s = step(s, '/cart', `https://${SITE}/`, 2); // internal navigation
    assert.equal(s.last.at, 1);
    s = step(s, '/', '', 3); // a direct visit (typed URL, bookmark)
    assert.equal(s.last.at, 1, 'direct never replaces last touch');
    s = step(s, '/?utm_source=newsletter&utm_medium=email&utm_campaign=spring', '', 4);
    assert.deepEqual(
      [s.first.source, s.last.source, s.last.campaign, s.last.at],
      ['google', 'newsletter', 'spring', 4],
    );
    s = step(s, '/?utm_source=newsletter&utm_medium=email&utm_campaign=spring', '', 5); // reload of the landing page
    assert.equal(s.last.at, 4, 'the same campaign again is not a new touch');
    s = step(s, '/?utm_source=newsletter&utm_medium=email&utm_campaign=summer', '', 6);
    assert.deepEqual([s.last.campaign, s.last.at], ['summer', 6]);
    s = step(s, '/', 'https://l.instagram.com/', 7);
    assert.deepEqual([s.first.source, s.first.at, s.last.source, s.last.at], ['google', 1, 'instagram', 7]);
    s = step(s, '/?gclid=A', 'https://www.google.com/', 8);
    s = step(s, '/?gclid=B', 'https://www.google.com/', 9);
    assert.deepEqual([s.last.clickId, s.last.at], ['gclid=B', 9], 'a new ad click is a new touch');
  });

  it('a first visit that is direct stays the first touch', () => {
    let s = step(undefined, '/', '', 1);
    s = step(s, '/', 'https://www.bing.com/', 2);
    assert.deepEqual([s.first.class, s.last.class], ['direct', 'search']);
  });
});
