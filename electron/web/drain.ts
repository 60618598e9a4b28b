/**
 * Stopping behind a load balancer (SIGTERM): readiness first, then the connections.
 *
 * `/readyz` says no at once while everything is still served, so the balancer's health checks
 * move new connections to the other servers; after the grace period the service stops listening,
 * tells the open pages to reconnect (they reach another server and keep their session) and stops.
 * With no grace period (one server, no balancer) it stops at once, as before.
 */
import type { Serving } from './serve';

/** The drain's state, read by `/readyz` and by the stop. */
export interface Draining {
  on: boolean;
  /** The pages are told to reconnect rather than that their session ended. */
  reconnect?: boolean;
}

/** Drains, then stops; resolves when the service stopped. Idempotent through `serving.stop`. */
export async function drainThenStop(serving: Serving, draining: Draining, graceMs: number): Promise<void> {
  if (graceMs > 0 && !draining.on) {
    draining.on = true;
    draining.reconnect = true;
    serving.logger.log('info', `draining: not ready; stopping in ${Math.round(graceMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, graceMs));
  }
  draining.on = true;
  await serving.stop();
}
