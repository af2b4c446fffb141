#!/usr/bin/env bash
# Compiles the metrics-service and this bench with tsc (NestJS needs its decorator metadata,
# which tsx/esbuild do not emit) into a folder outside dist/, and runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${BENCH_OUT_DIR:-/tmp/metrics-bench-dist}
rm -rf "$OUT"
# Never dist/: the build info goes with the output (tsconfig.build.json would put it in dist/).
npx tsc -p bench/metrics/tsconfig.json --outDir "$OUT" --tsBuildInfoFile "$OUT/.tsbuildinfo"
npx tsc-alias -p bench/metrics/tsconfig.json --outDir "$OUT"
# The compiled code looks for node_modules and prisma/migrations above itself.
ln -sfn "$PWD/node_modules" "$OUT/node_modules"
ln -sfn "$PWD/prisma" "$OUT/prisma"
node "$OUT/bench/metrics/main.js"
