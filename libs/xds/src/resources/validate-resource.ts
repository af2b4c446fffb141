import type { FieldViolation } from '@envoy-fleet/domain';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as protobuf from 'protobufjs';

// The Envoy protos our resources and their typed configs are messages of (with their imports).
const ROOT_FILES = [
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
];

type Rules = Record<string, Record<string, unknown>>;
type Decoded = Record<string, unknown>;

let loaded: protobuf.Root | undefined;

/** The folder holding the repository's `proto/`, found from here in the source tree or in dist/. */
function protoDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'proto', 'validate', 'validate.proto'))) return join(dir, 'proto');
  }
  throw new Error(`proto/ not found above ${__dirname}`);
}

function envoyRoot(): protobuf.Root {
  if (loaded) return loaded;
  const dir = protoDir();
  // google/protobuf/* ships with protobufjs (descriptor.proto) or is built in (any, duration...).
  const bundled = dirname(require.resolve('protobufjs/package.json'));
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? join(bundled, target) : join(dir, target);
  root.loadSync(ROOT_FILES);
  root.resolveAll();
  loaded = root;
  return root;
}

/** Parses Envoy's protos now (a second or more) rather than on the first write that needs them. */
export function loadEnvoyProtos(): void {
  envoyRoot();
}

/**
 * Checks an encoded Envoy resource against its proto's protoc-gen-validate rules (the
 * `(validate.rules)` field options and `(validate.required)` oneofs), as Envoy does before it
 * accepts a resource, descending into `Any` payloads whose types are known. `field` in each
 * violation is the path in the resource, in proto JSON names (`virtualHosts[0].domains[1]`).
 */
export function resourceViolations(typeUrl: string, value: Uint8Array): FieldViolation[] {
  const type = lookupType(typeUrl);
  if (!type) throw new Error(`unknown Envoy type ${typeUrl}`);
  const violations: FieldViolation[] = [];
  checkMessage(type, type.decode(value) as unknown as Decoded, '', violations);
  return violations;
}

function lookupType(typeUrl: string): protobuf.Type | undefined {
  try {
    return envoyRoot().lookupType(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
  } catch {
    return undefined;
  }
}

function join2(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function rulesOf(field: protobuf.Field): Rules | undefined {
  // protobufjs keeps parsed options as a list of single-key objects (typed loosely).
  const options = (field.parsedOptions ?? []) as unknown as Record<string, unknown>[];
  return options.find((o) => '(validate.rules)' in o)?.['(validate.rules)'] as Rules | undefined;
}

function checkMessage(type: protobuf.Type, message: Decoded, path: string, out: FieldViolation[]): void {
  if (type.fullName === '.google.protobuf.Any') {
    checkAny(message, path, out);
    return;
  }
  for (const oneof of type.oneofsArray) {
    const required = (oneof.options as Record<string, unknown> | undefined)?.['(validate.required)'];
    // protobufjs names the member that was on the wire in the oneof's virtual field; a member's own
    // field reads as its default ('' for a string) whether it was sent or not.
    if (required && message[oneof.name] === undefined) {
      const names = oneof.fieldsArray.map((f) => f.name).join(', ');
      out.push({ field: join2(path, oneof.name), message: `set one of ${names} (validate.required)` });
    }
  }
  for (const field of type.fieldsArray) {
    // Only the member of a oneof that is set is validated (PGV's semantics).
    if (field.partOf && message[field.partOf.name] !== field.name) continue;
    const value = message[field.name];
    const at = join2(path, field.name);
    const rules = rulesOf(field);
    if (field.map) {
      const entries = Object.entries((value ?? {}) as Record<string, unknown>);
      checkPairs(rules, entries.length, at, out);
      if (field.resolvedType instanceof protobuf.Type) {
        for (const [key, item] of entries)
          checkMessage(field.resolvedType, item as Decoded, `${at}[${key}]`, out);
      }
    } else if (field.repeated) {
      const items = (value ?? []) as unknown[];
      checkRepeated(rules, items, at, out);
      items.forEach((item, i) => {
        const itemRules = rules?.repeated?.items as Rules | undefined;
        checkValue(field, itemRules, item, `${at}[${i}]`, out);
      });
    } else {
      checkValue(field, rules, value, at, out);
    }
  }
}

function checkValue(
  field: protobuf.Field,
  rules: Rules | undefined,
  value: unknown,
  at: string,
  out: FieldViolation[],
) {
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) {
    const present = value !== null && value !== undefined;
    if (!present) {
      if (
        rules?.message?.required ||
        rules?.duration?.required ||
        rules?.any?.required ||
        rules?.timestamp?.required
      )
        out.push({ field: at, message: 'is required (validate.rules message.required)' });
      return;
    }
    if (type.fullName === '.google.protobuf.Duration')
      checkDuration(rules?.duration, value as Decoded, at, out);
    const wrapped = WRAPPERS[type.fullName];
    const wrappedRules = wrapped === undefined ? undefined : rules?.[wrapped];
    if (wrapped && wrappedRules) checkScalar(wrapped, wrappedRules, (value as Decoded).value, at, out);
    checkMessage(type, value as Decoded, at, out);
    return;
  }
  if (!rules) return;
  if (type instanceof protobuf.Enum) {
    const enumRules = rules.enum;
    if (enumRules?.defined_only && !Object.values(type.values).includes(Number(value)))
      out.push({
        field: at,
        message: `${String(value)} is not a defined value (validate.rules enum.defined_only)`,
      });
    checkScalar('enum', enumRules ?? {}, value, at, out);
    return;
  }
  const kind = Object.keys(rules).find((k) => k !== 'repeated' && k !== 'map' && k !== 'message');
  const kindRules = kind === undefined ? undefined : rules[kind];
  if (kind && kindRules) checkScalar(kind, kindRules, value, at, out);
}

const WRAPPERS: Record<string, string> = {
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BoolValue': 'bool',
};

function checkRepeated(rules: Rules | undefined, items: unknown[], at: string, out: FieldViolation[]) {
  const r = rules?.repeated;
  if (!r) return;
  if (r.min_items !== undefined && items.length < Number(r.min_items))
    out.push({
      field: at,
      message: `must have at least ${String(r.min_items)} item(s) (validate.rules repeated.min_items)`,
    });
  if (r.max_items !== undefined && items.length > Number(r.max_items))
    out.push({
      field: at,
      message: `must have at most ${String(r.max_items)} items (validate.rules repeated.max_items)`,
    });
  if (r.unique && new Set(items.map((i) => JSON.stringify(i))).size !== items.length)
    out.push({ field: at, message: 'items must be unique (validate.rules repeated.unique)' });
}

function checkPairs(rules: Rules | undefined, count: number, at: string, out: FieldViolation[]) {
  const r = rules?.map;
  if (r?.min_pairs !== undefined && count < Number(r.min_pairs))
    out.push({
      field: at,
      message: `must have at least ${String(r.min_pairs)} entries (validate.rules map.min_pairs)`,
    });
  if (r?.max_pairs !== undefined && count > Number(r.max_pairs))
    out.push({
      field: at,
      message: `must have at most ${String(r.max_pairs)} entries (validate.rules map.max_pairs)`,
    });
}

// protoc-gen-validate's lax header checks (`strict: false`): no NUL, CR or LF.
const LAX_HEADER = /^[^\0\r\n]*$/;
const STRICT_HEADER_NAME = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
// eslint-disable-next-line no-control-regex -- RFC 7230 field values exclude control characters
const STRICT_HEADER_VALUE = /^[^\0-\x08\x0A-\x1F\x7F]*$/;

function checkScalar(
  kind: string,
  r: Record<string, unknown>,
  raw: unknown,
  at: string,
  out: FieldViolation[],
) {
  const fail = (message: string, rule: string) =>
    out.push({ field: at, message: `${message} (validate.rules ${kind}.${rule})` });
  if (kind === 'string') {
    const value = String(raw ?? '');
    if (r.ignore_empty && value === '') return;
    const chars = [...value].length;
    if (r.const !== undefined && value !== r.const) fail(`must be '${String(r.const)}'`, 'const');
    if (r.min_len !== undefined && chars < Number(r.min_len))
      fail(`must be at least ${String(r.min_len)} characters`, 'min_len');
    if (r.max_len !== undefined && chars > Number(r.max_len))
      fail(`must be at most ${String(r.max_len)} characters`, 'max_len');
    const bytes = Buffer.byteLength(value);
    if (r.min_bytes !== undefined && bytes < Number(r.min_bytes))
      fail(`must be at least ${String(r.min_bytes)} bytes`, 'min_bytes');
    if (r.max_bytes !== undefined && bytes > Number(r.max_bytes))
      fail(`must be at most ${String(r.max_bytes)} bytes`, 'max_bytes');
    if (typeof r.prefix === 'string' && !value.startsWith(r.prefix))
      fail(`must start with '${r.prefix}'`, 'prefix');
    if (typeof r.suffix === 'string' && !value.endsWith(r.suffix))
      fail(`must end with '${r.suffix}'`, 'suffix');
    if (typeof r.contains === 'string' && !value.includes(r.contains))
      fail(`must contain '${r.contains}'`, 'contains');
    if (typeof r.pattern === 'string' && !new RegExp(r.pattern, 'u').test(value))
      fail(`must match ${r.pattern}`, 'pattern');
    if (Array.isArray(r.in) && !r.in.includes(value)) fail(`must be one of ${r.in.join(', ')}`, 'in');
    if (Array.isArray(r.not_in) && r.not_in.includes(value)) fail(`must not be '${value}'`, 'not_in');
    const wellKnown = r.well_known_regex;
    if (wellKnown === 'HTTP_HEADER_NAME' || wellKnown === 'HTTP_HEADER_VALUE') {
      const strict = r.strict !== false;
      const pattern = !strict
        ? LAX_HEADER
        : wellKnown === 'HTTP_HEADER_NAME'
          ? STRICT_HEADER_NAME
          : STRICT_HEADER_VALUE;
      if (value !== '' && !pattern.test(value))
        fail(
          `is not a valid ${wellKnown === 'HTTP_HEADER_NAME' ? 'header name' : 'header value'}`,
          'well_known_regex',
        );
    }
    return;
  }
  if (kind === 'bool') {
    if (r.const !== undefined && Boolean(raw) !== r.const) fail(`must be ${String(r.const)}`, 'const');
    return;
  }
  const value = Number(raw ?? 0);
  const bound = (key: string) => (r[key] === undefined ? undefined : Number(r[key]));
  const [gt, gte, lt, lte, constant] = ['gt', 'gte', 'lt', 'lte', 'const'].map(bound);
  if (constant !== undefined && value !== constant) fail(`must be ${constant}`, 'const');
  if (gt !== undefined && !(value > gt)) fail(`must be greater than ${gt}`, 'gt');
  if (gte !== undefined && !(value >= gte)) fail(`must be at least ${gte}`, 'gte');
  if (lt !== undefined && !(value < lt)) fail(`must be less than ${lt}`, 'lt');
  if (lte !== undefined && !(value <= lte)) fail(`must be at most ${lte}`, 'lte');
  if (Array.isArray(r.in) && !r.in.map(Number).includes(value))
    fail(`must be one of ${r.in.join(', ')}`, 'in');
  if (Array.isArray(r.not_in) && r.not_in.map(Number).includes(value)) fail(`must not be ${value}`, 'not_in');
}

function durationSeconds(d: unknown): number | undefined {
  if (d === undefined || d === null) return undefined;
  const { seconds, nanos } = d as { seconds?: unknown; nanos?: unknown };
  return Number(seconds ?? 0) + Number(nanos ?? 0) / 1e9;
}

function checkDuration(
  r: Record<string, unknown> | undefined,
  value: Decoded,
  at: string,
  out: FieldViolation[],
) {
  if (!r) return;
  const actual = durationSeconds(value) ?? 0;
  const fail = (message: string, rule: string) =>
    out.push({ field: at, message: `${message} (validate.rules duration.${rule})` });
  const [gt, gte, lt, lte] = ['gt', 'gte', 'lt', 'lte'].map((k) => durationSeconds(r[k]));
  if (gt !== undefined && !(actual > gt)) fail(`must be longer than ${gt}s`, 'gt');
  if (gte !== undefined && !(actual >= gte)) fail(`must be at least ${gte}s`, 'gte');
  if (lt !== undefined && !(actual < lt)) fail(`must be shorter than ${lt}s`, 'lt');
  if (lte !== undefined && !(actual <= lte)) fail(`must be at most ${lte}s`, 'lte');
}

function checkAny(message: Decoded, path: string, out: FieldViolation[]): void {
  const typeUrl = String(message.type_url ?? message.typeUrl ?? '');
  const type = typeUrl ? lookupType(typeUrl) : undefined;
  // A typed config of a type we do not load (e.g. the TLS inspector) is left to Envoy.
  if (!type) return;
  const value = (message.value ?? new Uint8Array()) as Uint8Array;
  checkMessage(type, type.decode(value) as unknown as Decoded, path, out);
}
