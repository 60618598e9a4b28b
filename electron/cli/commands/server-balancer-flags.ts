/**
 * The flags of `mdsync server` for running behind a load balancer and being watched: the public
 * URLs (`--public-url`), the trusted proxies speaking the PROXY protocol (`--proxy-protocol-from`),
 * who may read `/metrics` (`--metrics-allow`) and how long a SIGTERM drains (`--drain-grace`).
 */
import { parseCidrs } from '../../web/ops-routes';
import { parsePublicUrl } from '../../web/policy';
import type { ServeOptions } from '../../web/serve';
import { CliError } from '../io';

/** The values these flags give. */
export interface BalancerValues {
  'public-url'?: string[];
  'proxy-protocol-from'?: string[];
  'metrics-allow'?: string[];
  'drain-grace'?: string;
}

/** Parses a duration of 0 s to 10 minutes (`0`, `15s`, `2m`). */
function parseGrace(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm'] : NaN;
  if (!(ms >= 0 && ms <= 600_000)) {
    throw new CliError(`--drain-grace must be a duration such as 10s or 1m (0 to 10 minutes), not "${text}"`, 2);
  }
  return Math.round(ms);
}

/** The serve options from these flags; CliError (status 2) for a bad value. */
export function balancerOptions(
  values: BalancerValues,
): Pick<ServeOptions, 'metricsAllow' | 'drainGraceMs' | 'publicUrls' | 'proxyProtocolFrom'> {
  let metricsAllow, proxyProtocolFrom;
  const publicUrls = values['public-url'];
  try {
    metricsAllow = values['metrics-allow'] ? parseCidrs(values['metrics-allow'], '--metrics-allow') : undefined;
    proxyProtocolFrom = values['proxy-protocol-from']
      ? parseCidrs(values['proxy-protocol-from'], '--proxy-protocol-from')
      : undefined;
    for (const u of publicUrls ?? []) parsePublicUrl(u);
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  return {
    ...(metricsAllow ? { metricsAllow } : {}),
    ...(proxyProtocolFrom ? { proxyProtocolFrom } : {}),
    ...(publicUrls ? { publicUrls } : {}),
    ...(values['drain-grace'] !== undefined ? { drainGraceMs: parseGrace(values['drain-grace']) } : {}),
  };
}
