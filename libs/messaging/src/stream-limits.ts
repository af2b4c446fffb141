/**
 * Limits of the fleet stream, shared by every EventBus implementation so that JetStream and the
 * in-process bus keep, drop and redeliver events alike.
 */

/** How long the stream keeps an event, acknowledged or not (JetStream `max_age`). */
export const FLEET_STREAM_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Long enough that an outbox relay restarting after a crash republishes into the same window. */
export const FLEET_DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

/** How long a durable subscriber waits before a failed event comes back. */
export const FLEET_REDELIVERY_DELAY_MS = 1000;
