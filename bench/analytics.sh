#!/usr/bin/env bash
# Analytics benchmark (issue #17) on a 10,000-contract workspace with a year of history.
#
#   bench/analytics.sh [--ws DIR] [--runs 7] [--bin PATH] [--connections 32] [--duration 10]
#
# Without --ws, generates one (100 companies x 100 contracts, 600 lifecycle commits spread over
# 365 days: genworkspace.py --history 600 --history-days 365). Prints, for the static release
# binary, warm medians of:
#   analytics business                                   target <= 0.5 s
#   analytics series contracts_created --days 365        target <= 2x git log --format='%H %ct %(trailers)'
#   analytics business --as-of <6 months back>           target <= 2 s
# and, with wrk on loopback, GET /api/v1/analytics/business p99 at 32 connections (target < 50 ms).
# A report, not a gate: exits 0 once printed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
ws=""; runs=7; bin=""; connections=32; duration=10
while [[ $# -gt 0 ]]; do
  case $1 in
    --ws) ws=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "analytics.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [[ -z $bin ]]; then
  bin=$repo/.build-static/release/pactoria
  [[ -x $bin ]] || (cd "$repo" && swift build -c release --product pactoria --static-swift-stdlib --scratch-path .build-static) >&2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pactoria-analytics-bench.XXXXXX")
server_pid=""
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
if [[ -z $ws ]]; then
  ws=$work/ws
  echo "== generating 10,000 contracts with 600 commits over a year" >&2
  python3 "$here/genworkspace.py" "$ws" --history 600 --history-days 365 --quiet
else
  cp -a "$ws" "$work/ws"; ws=$work/ws
fi
export NO_COLOR=1 PACTORIA_AUTHOR="Bench <bench@example.co.uk>"
head_date=$(git -C "$ws" log -1 --format=%cs)
as_of=$(python3 -c "import datetime as d,sys; t=d.date.fromisoformat(sys.argv[1]); print((t-d.timedelta(days=182)).isoformat())" "$head_date")
export PACTORIA_TODAY=$head_date
(cd "$ws" && "$bin" status >/dev/null 2>&1 || true)

python3 - "$ws" "$bin" "$runs" "$as_of" <<'PY'
import os, statistics, subprocess, sys, time
ws, binary, runs, as_of = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def med(cmd, warm=2):
    for _ in range(warm):
        subprocess.run(cmd, cwd=ws, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ws, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts)
def cold(cmd):
    subprocess.run(["rm", "-rf", os.path.join(ws, ".pactoria/cache")], check=True)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ws, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - t) * 1000
commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=ws, capture_output=True, text=True).stdout.strip()
span = subprocess.run(["git", "log", "--format=%cs"], cwd=ws, capture_output=True, text=True).stdout.split()
print(f"workspace: {commits} commits from {span[-1]} to {span[0]}, as-of date {as_of}")
b_cold = cold([binary, "analytics", "business"])
b = med([binary, "analytics", "business"])
s = med([binary, "analytics", "series", "contracts_created", "--days", "365"])
g = med(["git", "log", "--format=%H %ct %(trailers)"])
a_cold = cold([binary, "analytics", "business", "--as-of", as_of])
med([binary, "analytics", "business"])  # the working tree's cache back
a = med([binary, "analytics", "business", "--as-of", as_of])
c = med([binary, "analytics", "compliance"])
l = med([binary, "list", "--all", "--csv"])
def v(ok): return "PASS" if ok else "MISS"
print(f"{'operation':52} {'median ms':>10}  target")
print(f"{'analytics business (cold: no cache)':52} {b_cold:10.1f}")
print(f"{'analytics business (warm)':52} {b:10.1f}  <= 500 ms: {v(b <= 500)}")
print(f"{'analytics series contracts_created --days 365':52} {s:10.1f}  <= 2x git ({2*g:.1f} ms): {v(s <= 2*g)}")
print(f"{'git log --format=%H %ct %(trailers)':52} {g:10.1f}")
print(f"{'analytics business --as-of ' + as_of + ' (cold)':52} {a_cold:10.1f}  <= 2000 ms: {v(a_cold <= 2000)}")
print(f"{'analytics business --as-of ' + as_of + ' (warm)':52} {a:10.1f}  <= 2000 ms: {v(a <= 2000)}")
print(f"{'analytics compliance (warm)':52} {c:10.1f}")
print(f"{'list --all --csv (warm, 10k rows)':52} {l:10.1f}")
PY

if command -v wrk >/dev/null; then
  company=$(ls "$ws/companies" | head -1)
  export PACTORIA_INSECURE_TEST_PBKDF2_ITERATIONS=1000
  printf 'server:\n  rate_limits:\n    default: 100000000/hour\n    address: 100000000/minute\n' >> "$ws/.pactoria/config.yaml"
  (cd "$ws" && git add -A && git commit -qm "bench config" --no-verify && echo "bench-password-1" | "$bin" user add admin@bench.example --name Bench --role admin --company "$company" --password-stdin >/dev/null && "$bin" user grant-operator admin@bench.example >/dev/null)
  token=$(cd "$ws" && "$bin" token admin@bench.example)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  (cd "$ws" && exec "$bin" serve --port "$port" 2>"$work/serve.log") &
  server_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  auth="Authorization: Bearer $token"
  url="http://127.0.0.1:$port/api/v1/analytics/business"
  curl -sf -H "$auth" "$url" >/dev/null
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "$auth" "$url")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '\nGET /api/v1/analytics/business (operator: all 10,000 contracts), wrk -t2 -c%s -d%ss: %s requests/s, p50 %s, p99 %s (target p99 < 50 ms)%s\n' \
    "$connections" "$duration" "$rps" "$p50" "$p99" "${errors:+, non-2xx: $errors}"
else
  echo "(wrk not installed: apt-get install wrk, for the API row)"
fi
