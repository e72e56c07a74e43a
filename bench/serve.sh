#!/usr/bin/env bash
# Load test of `pactoria serve` on a generated workspace, with wrk on loopback.
#
#   bench/serve.sh [--contracts 10000] [--connections 32] [--duration 10] [--bin PATH] [--keep]
#
# Measures GET /health, GET one contract, GET a filtered list page and a searched one; prints requests/s and
# latency percentiles for each, and the ratio of one-contract throughput to /health's.
# Targets: one contract >= 50% of /health's throughput and p99 < 10 ms at 32 connections (issue
# #5); the search, p99 < 10 ms at 32 connections and >= 5,000 requests/s on 10k contracts (#15).
# A report, not a gate: exits 0 once printed. Needs wrk (apt-get install wrk).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
contracts=10000
connections=32
duration=10
bin=""
keep=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --contracts) contracts=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "serve.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "serve.sh: wrk not found (apt-get install wrk)" >&2; exit 2; }
if [[ -z $bin ]]; then
  bin=$repo/.build-static/release/pactoria
  [[ -x $bin ]] || (cd "$repo" && swift build -c release --product pactoria --static-swift-stdlib --scratch-path .build-static) >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pactoria-serve-bench.XXXXXX")
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  if [[ $keep == 1 ]]; then echo "(kept $work)"; else rm -rf "$work"; fi
}
trap cleanup EXIT
ws=$work/ws
export NO_COLOR=1 PACTORIA_AUTHOR="Bench <bench@example.co.uk>"

per=$(( (contracts + 99) / 100 ))
echo "== generating $((per * 100)) contracts" >&2
python3 "$here/genworkspace.py" "$ws" --companies 100 --per-company "$per" --quiet
company=$(ls "$ws/companies" | head -1)
export PACTORIA_INSECURE_TEST_PBKDF2_ITERATIONS=1000  # bench only: hash fast
printf 'server:\n  rate_limits:\n    default: 100000000/hour\n' >> "$ws/.pactoria/config.yaml"
(cd "$ws" && git add -A && git commit -qm "bench config" && echo "bench-password-1" | "$bin" user add admin@bench.example --name Bench --role admin --company "$company" --password-stdin >/dev/null)
token=$(cd "$ws" && "$bin" token admin@bench.example)
id=$(sed -n 's/^id: //p' "$(ls "$ws/companies/$company/contracts/"*.yaml | head -1)")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$ws" && exec "$bin" serve --port "$port" 2>"$work/serve.log") &
server_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
base=http://127.0.0.1:$port
auth="Authorization: Bearer $token"
# Warm the contract index once (the first lookup builds it).
curl -sf -H "$auth" "$base/api/v1/contracts/$id" >/dev/null
curl -sf -H "$auth" "$base/api/v1/contracts?status=active&size=20" >/dev/null

declare -A rps p50 p99
measure() {
  local name=$1 url=$2
  local out
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "$auth" "$url")
  rps[$name]=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50[$name]=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99[$name]=$(awk '$1=="99%" {print $2}' <<<"$out")
  local errors
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  [[ -n $errors ]] && echo "warning: $name had non-2xx responses: $errors" >&2
  return 0
}
measure health "$base/health"
measure contract "$base/api/v1/contracts/$id"
measure list "$base/api/v1/contracts?status=active&size=20&page=2"
# A client name from the workspace, as a person would search for it.
client=$(sed -n 's/^  name: //p' "$(ls "$ws/companies/$company/contracts/"*.yaml | head -1)" | head -1 | tr -d "'\"" | cut -d' ' -f1)
measure search "$base/api/v1/contracts?search=$client&size=20"

printf '\npactoria serve on %s contracts, wrk -t2 -c%s -d%ss, loopback, %s cores\n\n' "$((per * 100))" "$connections" "$duration" "$(nproc)"
printf '%-34s %12s %10s %10s\n' "request" "requests/s" "p50" "p99"
printf '%-34s %12s %10s %10s\n' "GET /health" "${rps[health]}" "${p50[health]}" "${p99[health]}"
printf '%-34s %12s %10s %10s\n' "GET /api/v1/contracts/{id}" "${rps[contract]}" "${p50[contract]}" "${p99[contract]}"
printf '%-34s %12s %10s %10s\n' "GET /api/v1/contracts?status=..." "${rps[list]}" "${p50[list]}" "${p99[list]}"
printf '%-34s %12s %10s %10s\n' "GET /api/v1/contracts?search=$client" "${rps[search]}" "${p50[search]}" "${p99[search]}"
python3 - "${rps[contract]}" "${rps[health]}" "${p99[contract]}" "${rps[search]}" "${p99[search]}" "$connections" <<'PY'
import sys, re
c, h, p99 = float(sys.argv[1] or 0), float(sys.argv[2] or 0), sys.argv[3]
s_rps, s_p99, conns = float(sys.argv[4] or 0), sys.argv[5], int(sys.argv[6])
def ms(t):
    m = re.match(r"([\d.]+)(us|ms|s)", t or "")
    if not m:
        return float("inf")
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
def verdict(ok):
    return "PASS" if ok else "FAIL"
ratio = c / h if h else 0
print(f"\none contract / health throughput: {ratio:.2f} (target >= 0.50: {verdict(ratio >= 0.5)})")
print(f"one contract p99: {ms(p99):.2f} ms (target < 10 ms: {verdict(ms(p99) < 10)})")
note = "" if conns == 32 else f" (measured at {conns} connections; the target is stated at 32)"
print(f"search p99: {ms(s_p99):.2f} ms (target < 10 ms at 32 connections: {verdict(ms(s_p99) < 10)}){note}")
print(f"search throughput: {s_rps:,.0f} requests/s (target >= 5,000: {verdict(s_rps >= 5000)})")
PY
