/** Which Envoy stat names are exported: globs where `*` matches any characters (dots included). */
export class StatAllowlist {
  private readonly pattern: RegExp;

  constructor(readonly globs: readonly string[]) {
    const alternatives = globs.map((glob) => glob.split('*').map(escapeRegExp).join('.*'));
    this.pattern = alternatives.length > 0 ? new RegExp(`^(?:${alternatives.join('|')})$`) : /$^/;
  }

  /** Parses `METRICS_STAT_ALLOWLIST`: comma-separated, blanks ignored. */
  static parse(list: string): StatAllowlist {
    return new StatAllowlist(
      list
        .split(',')
        .map((glob) => glob.trim())
        .filter((glob) => glob.length > 0),
    );
  }

  allows(statName: string): boolean {
    return this.pattern.test(statName);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
