#!/bin/sh
# Builds the fuzz targets with libFuzzer and runs one for a while.
#   Fuzz/run.sh fuzz-yaml 120
#   Fuzz/run.sh fuzz-trailers 600
# Crashes land in Fuzz/artifacts/NAME/; the growing corpus in Fuzz/work/NAME/.
set -eu
name=${1:?usage: run.sh fuzz-yaml|fuzz-trailers|fuzz-json SECONDS}
seconds=${2:-120}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
swift build -c release --product "$name" --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address >&2
bin=$(swift build -c release --scratch-path .build-fuzz --show-bin-path)/"$name"
seeds=corpus/${name#fuzz-}
mkdir -p "work/$name" "artifacts/$name"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no} exec "$bin" "work/$name" "$seeds" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=4096 -detect_leaks=0 -artifact_prefix="artifacts/$name/" -print_final_stats=1
