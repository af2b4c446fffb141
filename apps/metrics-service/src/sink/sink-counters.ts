/** Why stats were not exported. */
export type DropReason = 'not_allowlisted' | 'type_conflict' | 'series_limit';
/** Why a stream was refused (at its first message) or cut (later). */
export type StreamEndReason = 'unknown_node' | 'missing_identifier' | 'bad_token' | 'series_limit';

/**
 * The sink's own tallies, kept as plain numbers on the hot path and read by prom-client
 * collectors at scrape time.
 */
export class SinkCounters {
  messages = 0;
  readonly dropped: Record<DropReason, number> = { not_allowlisted: 0, type_conflict: 0, series_limit: 0 };
  readonly refused: Record<StreamEndReason, number> = {
    unknown_node: 0,
    missing_identifier: 0,
    bad_token: 0,
    series_limit: 0,
  };
}
