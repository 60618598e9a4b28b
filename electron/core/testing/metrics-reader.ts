/**
 * Reads `/metrics` as Prometheus would, with a text-format parser: the tests look values up by
 * name and labels instead of matching text.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** The parsed families of one scrape. */
export type Scrape = ReturnType<typeof parsePrometheusTextFormat>;

/** Parses a scrape. */
export function parseScrape(text: string): Scrape {
  return parsePrometheusTextFormat(text);
}

/** The value of a counter or gauge with exactly these labels (0 when absent). */
export function valueOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  const family = scrape.find((f) => f.name === name);
  const want = JSON.stringify(Object.entries(labels).sort());
  const sample = family?.metrics.find((m) => JSON.stringify(Object.entries(m.labels ?? {}).sort()) === want);
  if (!sample) return 0;
  return Number(sample.value ?? 0);
}

/**
 * Observations of a histogram, over all its label sets (the parser keeps only the buckets of a
 * histogram's samples: the `+Inf` bucket is the count).
 */
export function observations(scrape: Scrape, name: string): number {
  const family = scrape.find((f) => f.name === name);
  return (family?.metrics ?? []).reduce((n, m) => n + Number(m.buckets?.['+Inf'] ?? m.count ?? 0), 0);
}

/** Every label value of a scrape: none may be a user name or an address. */
export function labelValues(scrape: Scrape): string[] {
  return scrape.flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
}
