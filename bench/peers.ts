/**
 * Omnikit and the SDKs people would otherwise pick: the file a script-tag user loads, and the page
 * code that initialises it and tracks one event. Every SDK keeps its defaults, except that
 * automatic page views are off everywhere (Omnikit runs with data-auto-page="false") and each is
 * pointed at the local collector (and its settings at the local "CDN", see browser.ts).
 *
 * Page snippets are JavaScript source run in the page, with these variables in scope:
 * C = collector origin, K = write key, CDN = this SDK's settings base URL on the page server,
 * and in `track`: i = event number, p = properties (the same for every SDK).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iife, installed, installedVersion, omnikitScript, packed, ROOT } from './prepare.ts';

export interface Sdk {
  id: string;
  label: string;
  version: string;
  /** What the script-tag file is and where it comes from. */
  source: string;
  /** Default behaviour a reader needs to read its numbers (checked in its source or in this run). */
  note: string;
  /** Resolves the file a script-tag user loads (building or fetching it if needed). */
  script(): Promise<string>;
  /** Attributes of the <script> tag. */
  attrs?(collector: string, writeKey: string): Record<string, string>;
  /** Statements run just before the script tag is inserted (the vendor's stub snippet). */
  before?: string;
  /** Expression evaluated once the script loaded: a promise of "initialised, ready to track". */
  ready: string;
  /** Expression tracking event i with properties p. */
  track: string;
  /** JSON answers of the page server under CDN (path → body): remote settings the SDK fetches. */
  cdn?(collector: string, writeKey: string): Record<string, unknown>;
  /** What the collector answers on these paths instead of `{}`. */
  api?: Record<string, unknown>;
  /** Static files of the SDK served under CDN (lazily loaded chunks): URL prefix → directory. */
  cdnFiles?(): Record<string, string>;
}

const rootVersion = (): string => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

const omnikit: Sdk = {
  id: 'omnikit',
  label: 'Omnikit',
  version: rootVersion(),
  source: 'dist/omnikit.js (npm run build)',
  note: 'batches of up to 100 events (20 or every 1 s); every event is written to IndexedDB before it is sent.',
  script: async () => omnikitScript(),
  attrs: (collector, writeKey) => ({
    'data-write-key': writeKey,
    'data-endpoint': collector,
    'data-auto-page': 'false',
  }),
  // The stub from the README, as a site pastes it.
  before: `window.omnikit=window.omnikit||[];["track","page","identify","group","alias","reset","on"].forEach(function(m){omnikit[m]=omnikit[m]||function(){omnikit.push([m].concat([].slice.call(arguments)))}});`,
  ready: 'omnikit.ready()',
  track: `omnikit.track('Product Viewed', p)`,
};

const segment: Sdk = {
  id: 'segment',
  label: 'Segment analytics-next',
  version: installedVersion('@segment/analytics-next'),
  source: 'dist/umd/standalone.js (what the Segment snippet loads)',
  note: 'one request per event by default (batching is opt-in: `deliveryStrategy`); settings fetched from its CDN at load.',
  script: async () => installed('@segment/analytics-next', 'dist/umd/standalone.js'),
  // Segment's snippet stub, without the script insertion (the page template does that).
  before: `var a=window.analytics=[];a.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];a.factory=function(e){return function(){var t=Array.prototype.slice.call(arguments);t.unshift(e);a.push(t);return a}};for(var n=0;n<a.methods.length;n++){a[a.methods[n]]=a.factory(a.methods[n])}a._writeKey=K;a._cdn=CDN;a._loadOptions={};window.__sdkReady=new Promise(function(r){a.ready(r)});`,
  ready: 'window.__sdkReady',
  track: `analytics.track('Product Viewed', p)`,
  // What cdn.segment.com answers for a source whose only destination is Segment itself.
  cdn: (collector, writeKey) => ({
    [`/v1/projects/${writeKey}/settings`]: {
      integrations: {
        'Segment.io': {
          apiKey: writeKey,
          apiHost: `${collector.replace(/^http:\/\//, '')}/v1`,
          protocol: 'http',
        },
      },
      plan: {},
      edgeFunction: {},
      analyticsNextEnabled: true,
    },
  }),
  cdnFiles: () => ({
    '/analytics-next/bundles/': join(installed('@segment/analytics-next', 'dist/umd/standalone.js'), '..'),
  }),
};

const rudderstack: Sdk = {
  id: 'rudderstack',
  label: 'RudderStack v3',
  version: installedVersion('@rudderstack/analytics-js'),
  source: 'rollup IIFE of @rudderstack/analytics-js/bundled, minified (the npm package ships no CDN build)',
  note: 'its event queue keeps at most 100 events by default (`maxItems`), so fast calls beyond that are not delivered; source config fetched at load.',
  script: () =>
    iife(
      `rudderstack-${installedVersion('@rudderstack/analytics-js')}`,
      `export { RudderAnalytics } from '@rudderstack/analytics-js/bundled';`,
      'RudderStack',
    ),
  ready: `new Promise(function(r){window.rudderanalytics=new RudderStack.RudderAnalytics();rudderanalytics.load(K,C,{configUrl:CDN});rudderanalytics.ready(r)})`,
  track: `rudderanalytics.track('Product Viewed', p)`,
  // What api.rudderstack.com answers for a source with no device-mode destination.
  cdn: (_collector, writeKey) => ({
    '/sourceConfig/': {
      isHosted: true,
      source: {
        id: 'bench-source',
        name: 'bench',
        writeKey,
        workspaceId: 'bench-workspace',
        enabled: true,
        config: { statsCollection: { errors: { enabled: false }, metrics: { enabled: false } } },
        destinations: [],
      },
    },
  }),
};

const posthog: Sdk = {
  id: 'posthog',
  label: 'PostHog',
  version: installedVersion('posthog-js'),
  source: 'dist/array.js (what the PostHog snippet loads)',
  note: 'a client-side rate limit (10 events/s, bursts of 100 by default) drops the calls beyond it, by design; flushes every 3 s.',
  script: async () => installed('posthog-js', 'dist/array.js'),
  // PostHog's snippet queues init in posthog._i; array.js runs it when it loads.
  before: `window.__sdkReady=new Promise(function(r){var s=window.posthog=[];s.__SV=1;s._i=[[K,{api_host:C,capture_pageview:false,loaded:function(){r()}},undefined]]});`,
  ready: 'window.__sdkReady',
  track: `posthog.capture('Product Viewed', p)`,
};

const snowplow: Sdk = {
  id: 'snowplow',
  label: 'Snowplow browser-tracker',
  version: installedVersion('@snowplow/browser-tracker'),
  source:
    'rollup IIFE of { newTracker, trackSelfDescribingEvent }, minified (no script-tag build in the package)',
  note: 'one POST per queued batch, sent one at a time; its queue holds 1,000 events by default (`maxLocalStorageQueueSize`).',
  script: () =>
    iife(
      `snowplow-${installedVersion('@snowplow/browser-tracker')}`,
      `export { newTracker, trackSelfDescribingEvent } from '@snowplow/browser-tracker';`,
      'snowplow',
    ),
  ready: `snowplow.newTracker('sp',C,{appId:K})`,
  track: `snowplow.trackSelfDescribingEvent({event:{schema:'iglu:com.example/product_viewed/jsonschema/1-0-0',data:p}})`,
};

const AMPLITUDE_VERSION = '2.48.1';
const amplitude: Sdk = {
  id: 'amplitude',
  label: 'Amplitude browser',
  version: AMPLITUDE_VERSION,
  source: 'lib/scripts/amplitude-min.js (npm pack: npm install fails here on a missing dependency)',
  note: 'batches of 30 events or every 1 s; session events on by default (page views turned off here).',
  script: async () =>
    packed(
      '@amplitude/analytics-browser',
      AMPLITUDE_VERSION,
      'sha512-KEavyfKaPze3nXxtnOwAh4PCm5saJelzST3vatccs3GuE65uhS9ev/YEFR2r6szi6byZBUKWB0cHjlZ0fMqv2A==',
      'lib/scripts/amplitude-min.js',
    ),
  ready: `amplitude.init(K,{serverUrl:C+'/2/httpapi',autocapture:{pageViews:false},remoteConfig:{serverUrl:CDN+'/config'}}).promise`,
  track: `amplitude.track('Product Viewed', p)`,
  cdn: () => ({ '/config': {} }),
  // Amplitude's HTTP API answers a JSON status; without `code: 200` the SDK retries, then drops.
  api: { '/2/httpapi': { code: 200, events_ingested: 1, payload_size_bytes: 1, server_upload_time: 1 } },
};

/** Omnikit first: every ratio is to it. */
export const SDKS: Sdk[] = [omnikit, segment, rudderstack, posthog, snowplow, amplitude];
