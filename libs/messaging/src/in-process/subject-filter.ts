/** Splits a subject or filter into its dot-separated tokens. */
function tokensOf(subject: string): string[] {
  return subject.split('.');
}

/** True when `subject` is a literal NATS subject: non-empty tokens, no wildcards. */
export function isLiteralSubject(subject: string): boolean {
  return tokensOf(subject).every((token) => token !== '' && token !== '*' && token !== '>');
}

/** True when `filter` is a well-formed NATS filter: non-empty tokens, `>` only as the last one. */
export function isValidFilter(filter: string): boolean {
  const tokens = tokensOf(filter);
  return tokens.every((token, index) => token !== '' && (token !== '>' || index === tokens.length - 1));
}

/** True when the literal `subject` matches `filter`: `*` stands for one token, a final `>` for one or more. */
export function subjectMatches(filter: string, subject: string): boolean {
  const wanted = tokensOf(filter);
  const actual = tokensOf(subject);
  for (let index = 0; index < wanted.length; index++) {
    if (wanted[index] === '>') return actual.length > index;
    if (index >= actual.length) return false;
    if (wanted[index] !== '*' && wanted[index] !== actual[index]) return false;
  }
  return wanted.length === actual.length;
}

/** True when every subject matched by `filter` is also matched by `outer`. */
export function filterWithin(filter: string, outer: string): boolean {
  const inner = tokensOf(filter);
  const bounds = tokensOf(outer);
  for (let index = 0; index < bounds.length; index++) {
    if (bounds[index] === '>') return inner.length > index;
    if (index >= inner.length || inner[index] === '>') return false;
    if (bounds[index] !== '*' && bounds[index] !== inner[index]) return false;
  }
  return inner.length === bounds.length;
}
