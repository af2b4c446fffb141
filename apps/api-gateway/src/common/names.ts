/** Names of config objects: what Envoy accepts as a resource name and is safe in a URL path. */
export const NAME_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,126}[a-zA-Z0-9])?$/;
export const NAME_RULE =
  'must be 1-128 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit';
