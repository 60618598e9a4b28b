/** What the benchmarks print about the machine they ran on, next to their figures. */
import os from 'node:os';

/** `load (uptime): 1.00, 2.00, 3.00 on 2 CPUs`: how busy the machine was (other work shares it). */
export function loadLine(): string {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  return `load (uptime): ${load} on ${os.cpus().length} CPUs`;
}
