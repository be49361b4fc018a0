// Reading GET /metrics as Prometheus does: the text format, one sample a line.
import assert from 'node:assert/strict';

/** A token good enough for a production config: 32+ random-looking bytes, no site's key. */
export const METRICS_TOKEN = 'Mx5Pq2Wr8Ty1Ui4Op7As0Df3Gh6Jk9Lz2Xc5Vb8Nm=';

/** One scrape: sample lines by their series (`name{a="x",b="y"}`, labels as the server wrote them). */
export type Scrape = Map<string, number>;

/** GETs /metrics with the token; fails unless 200 in the Prometheus text format. */
export async function scrape(url: string, token = METRICS_TOKEN): Promise<Scrape> {
  const res = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const samples: Scrape = new Map();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** The value of one series (0 when the server has not written it yet); labels in the order written. */
export function sample(samples: Scrape, name: string, labels: Record<string, string> = {}): number {
  const pairs = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  return samples.get(pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name) ?? 0;
}
