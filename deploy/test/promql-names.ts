/** PromQL words that look like metric names but are not: functions, keywords, aggregations. */
const PROMQL_WORDS = new Set(
  `abs absent absent_over_time avg avg_over_time bottomk by ceil changes clamp clamp_max clamp_min count
  count_over_time count_values day_of_month day_of_week delta deriv exp floor group group_left
  group_right histogram_quantile holt_winters idelta ignoring increase irate label_join label_replace
  last_over_time ln log2 log10 max max_over_time min min_over_time offset on or and unless
  predict_linear quantile quantile_over_time rate resets round scalar sort sort_desc sqrt stddev
  stdvar sum sum_over_time time timestamp topk vector without bool inf nan`.split(/\s+/),
);

/**
 * The metric names a PromQL expression selects: identifiers not inside a label matcher or a
 * string, not followed by `(` (a function), and not a keyword, duration or number.
 */
export function metricNamesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  // Label matchers `{...}`, grouping lists `by (...)` / `on (...)` etc. hold label names only.
  const withoutLabels = withoutStrings
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Set<string>();
  for (const match of withoutLabels.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:]|\s*\()/g)) {
    const word = match[1];
    if (PROMQL_WORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/** `x_bucket`, `x_sum`, `x_count` (histograms, summaries) and `x` name the family `x`. */
export function familyCandidates(name: string): string[] {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base === name ? [name] : [name, base];
}
