import { DomainError } from '@envoy-fleet/domain';

/** Labels are string to string, like Kubernetes labels; `field` names them in errors. */
export function checkLabels(labels: Record<string, unknown>, field = 'labels'): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    if (!/^[a-zA-Z0-9._/-]{1,63}$/.test(key))
      throw DomainError.invalid(`${field}.${key}`, 'is not a valid label key');
    if (typeof value !== 'string' || value.length > 253) {
      throw DomainError.invalid(`${field}.${key}`, 'must be a string of at most 253 characters');
    }
  }
  return labels as Record<string, string>;
}
