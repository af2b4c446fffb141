const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID: the ids of tenants and their objects; anything else names none of them. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
