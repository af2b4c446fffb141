#!/usr/bin/env bash
# Generates typed TypeScript (ts-proto) from proto/: the Envoy API protos into
# libs/envoy-api/src/generated, and the fleet's own gRPC API (proto/fleet/v1) into
# apps/api-gateway/src/grpc/generated. The output is committed so machines without protoc still build.
#
#   bash scripts/gen-proto.sh          regenerate from proto/ (idempotent: no diff if unchanged)
#   bash scripts/gen-proto.sh --sync   first re-copy proto/ from @grpc/grpc-js-xds's deps/
#                                      (the transitive closure of ROOTS), then regenerate
#
# LOCAL_PROTOS and proto/fleet/ are kept in proto/ by hand (grpc-js-xds does not vendor them);
# --sync keeps them.
set -euo pipefail

cd "$(dirname "$0")/.."
PROTO_DIR=proto
OUT_DIR=libs/envoy-api/src/generated
FLEET_OUT_DIR=apps/api-gateway/src/grpc/generated
DEPS=node_modules/@grpc/grpc-js-xds/deps
# google/protobuf/*.proto ships with protoc (Debian: protobuf-compiler / libprotobuf-dev).
PROTOC_INCLUDE=${PROTOC_INCLUDE:-/usr/include}

# The files we need; everything they import is pulled in by --sync.
ROOTS=(
  envoy/service/discovery/v3/ads.proto
  envoy/service/discovery/v3/discovery.proto
  envoy/service/cluster/v3/cds.proto
  envoy/service/endpoint/v3/eds.proto
  envoy/service/listener/v3/lds.proto
  envoy/service/route/v3/rds.proto
  envoy/service/secret/v3/sds.proto
  envoy/service/status/v3/csds.proto
  envoy/config/listener/v3/listener.proto
  envoy/config/route/v3/route.proto
  envoy/config/cluster/v3/cluster.proto
  envoy/config/endpoint/v3/endpoint.proto
  envoy/extensions/transport_sockets/tls/v3/secret.proto
  envoy/extensions/transport_sockets/tls/v3/tls.proto
  envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto
  envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto
  envoy/extensions/filters/http/router/v3/router.proto
  envoy/extensions/upstreams/http/v3/http_protocol_options.proto
  envoy/service/metrics/v3/metrics_service.proto
)

# Not in grpc-js-xds's deps: prometheus/client_model, imported by the metrics service.
LOCAL_PROTOS=(
  io/prometheus/client/metrics.proto
)

sync_protos() {
  local staging
  staging=$(mktemp -d)
  trap 'rm -rf "$staging"' RETURN
  # The bundled protoc-gen-validate predates envoy-api's use of StringRules.ignore_empty
  # (protobufjs ignores unknown options, protoc does not), so patch in the upstream field.
  mkdir -p "$staging/validate"
  # Local files are staged before proto/ is cleared; staging is searched first, so they come back.
  local file
  for file in "${LOCAL_PROTOS[@]}"; do
    mkdir -p "$staging/$(dirname "$file")"
    cp "$PROTO_DIR/$file" "$staging/$file"
  done
  perl -pe 's/^(  optional bool strict = 25 \[default = true\];)(\r?)$/$1$2\n$2\n  \/\/ Patched in for envoy-api (upstream field 26): only evaluate the rules if the field is not empty.$2\n  optional bool ignore_empty = 26;$2/' \
    "$DEPS/protoc-gen-validate/validate/validate.proto" >"$staging/validate/validate.proto"
  local includes=(-I"$staging" -I"$DEPS/envoy-api" -I"$DEPS/xds" -I"$DEPS/protoc-gen-validate" -I"$DEPS/googleapis")
  protoc "${includes[@]}" -I"$PROTOC_INCLUDE" --include_imports --descriptor_set_out="$staging/set.pb" "${ROOTS[@]}"
  find "$PROTO_DIR" -name '*.proto' -not -path "$PROTO_DIR/fleet/*" -delete
  # Each file in the closure is copied from the first include dir that has it.
  protoc -I"$PROTOC_INCLUDE" --decode=google.protobuf.FileDescriptorSet google/protobuf/descriptor.proto \
    <"$staging/set.pb" | sed -n 's/^  name: "\(.*\)"$/\1/p' | while read -r file; do
    [[ $file == google/protobuf/* ]] && continue
    for dir in "$staging" "$DEPS/envoy-api" "$DEPS/xds" "$DEPS/protoc-gen-validate" "$DEPS/googleapis"; do
      if [[ -f $dir/$file ]]; then
        mkdir -p "$PROTO_DIR/$(dirname "$file")"
        cp "$dir/$file" "$PROTO_DIR/$file"
        break
      fi
    done
  done
}

if [[ ${1:-} == --sync ]]; then
  sync_protos
fi

rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"
# Options: grpc-js service definitions; numbers for 64-bit ints (no Long dependency);
# Timestamp stays a message so encode/decode round-trips exactly; optional message fields so
# object literals stay small; no shared symbols so files can be re-exported side by side.
protoc -I"$PROTO_DIR" -I"$PROTOC_INCLUDE" \
  --plugin=protoc-gen-ts_proto=node_modules/.bin/protoc-gen-ts_proto \
  --ts_proto_out="$OUT_DIR" \
  --ts_proto_opt=outputServices=grpc-js,esModuleInterop=true,env=node,forceLong=number,useDate=false,useOptionals=messages,exportCommonSymbols=false \
  "${ROOTS[@]}"
echo "generated $(find "$OUT_DIR" -name '*.ts' | wc -l) files into $OUT_DIR"

# The fleet API: the same generator; Struct fields become plain objects (the REST JSON), and the
# output is formatted with the repo's Prettier, since it lives inside an app that lint checks.
rm -rf "$FLEET_OUT_DIR"
mkdir -p "$FLEET_OUT_DIR"
protoc -I"$PROTO_DIR" -I"$PROTOC_INCLUDE" \
  --plugin=protoc-gen-ts_proto=node_modules/.bin/protoc-gen-ts_proto \
  --ts_proto_out="$FLEET_OUT_DIR" \
  --ts_proto_opt=outputServices=grpc-js,esModuleInterop=true,env=node,forceLong=number,useOptionals=messages,exportCommonSymbols=false \
  "$PROTO_DIR"/fleet/v1/*.proto
node_modules/.bin/prettier --log-level warn --write "$FLEET_OUT_DIR"
echo "generated $(find "$FLEET_OUT_DIR" -name '*.ts' | wc -l) files into $FLEET_OUT_DIR"
