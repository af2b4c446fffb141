/** The URL with its password replaced by `***`, safe to log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // An unparseable URL may still hold a secret, so none of it is shown.
    return '(unparseable URL)';
  }
}
