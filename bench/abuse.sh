#!/usr/bin/env bash
# Abuse test of `pactoria serve` (issue #11), not run in CI: floods a release server on a copy of a
# generated workspace and reports how it held.
#
#   bench/abuse.sh [--contracts 1000] [--seconds 10] [--idle 20000] [--bin PATH] [--keep]
#
# Floods, one after another: logins (wrong passwords, many threads), unauthenticated API requests,
# --idle idle connections, slowloris (half-sent heads), and an alias-bomb contract file. During each
# it samples the server's RSS and open descriptors and times GET /health (p50/p99), and after each
# it prints the security log's growth and whether the server is still alive. Then SIGTERM, timed.
# Targets: RSS < 300 MB, /health p99 < 100 ms, log growth a few KB per minute, 0 crashes, stop < 10 s.
# A report, not a gate: exits 0 once printed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
contracts=1000
seconds=10
idle=20000
bin=""
keep=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --contracts) contracts=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "abuse.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [[ -n $bin ]]; then bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin"); fi
if [[ -z $bin ]]; then
  bin=$repo/.build/release/pactoria
  [[ -x $bin ]] || (cd "$repo" && swift build -c release --product pactoria) >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pactoria-abuse.XXXXXX")
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -9 "$server_pid" 2>/dev/null || true
  if [[ $keep == 1 ]]; then echo "(kept $work)"; else rm -rf "$work"; fi
}
trap cleanup EXIT
ws=$work/ws
export NO_COLOR=1 PACTORIA_AUTHOR="Bench <bench@example.co.uk>"

per=$(( (contracts + 9) / 10 ))
echo "== generating $((per * 10)) contracts" >&2
python3 "$here/genworkspace.py" "$ws" --companies 10 --per-company "$per" --quiet
company=$(ls "$ws/companies" | head -1)
export PACTORIA_INSECURE_TEST_PBKDF2_ITERATIONS=1000  # bench only: hash fast
(cd "$ws" \
  && echo "bench-password-1" | "$bin" user add admin@bench.example --name Bench --role admin --company "$company" --password-stdin >/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export PACTORIA="$bin"
(cd "$ws" && exec "$bin" serve --port "$port" 2>"$work/serve.log") &
server_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done

python3 - "$server_pid" "$port" "$ws" "$seconds" "$idle" "$company" <<'PY'
import json, os, resource, signal, socket, statistics, sys, threading, time, urllib.request

pid, port, ws, seconds, idle, company = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
log = os.path.join(ws, ".pactoria/secrets/security-events.jsonl")
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

def alive():
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/status") as f:
            return "zombie" not in f.read()
    except OSError:
        return False

def rss_mb():
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0

def fds():
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0

def log_bytes():
    return sum(os.path.getsize(p) for p in [log, log + ".1", log + ".2"] if os.path.exists(p))

def health_ms():
    t = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = s.recv(100)
        s.close()
        ok = data.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return (time.monotonic() - t) * 1000, ok

# Each flood comes from its own loopback address (127.0.0.10, .11, …), so one flood's rate limits
# do not decide the next; /health is probed from 127.0.0.1.
src = "127.0.0.10"

def connect(timeout=5):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(src, 0))

def raw(method, path, body=b"", headers=()):
    try:
        s = connect()
        head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
        head += "".join(h + "\r\n" for h in headers) + "\r\n"
        s.sendall(head.encode() + body)
        data = s.recv(64)
        s.close()
        return int(data.split(b" ")[1]) if data.startswith(b"HTTP/") else 0
    except (OSError, ValueError, IndexError):
        return 0

results = []

def flood(name, attack, threads=8):
    global src
    src = f"127.0.0.{10 + len(results)}"
    stop = threading.Event()
    counts = {}
    lock = threading.Lock()
    def worker(i):
        while not stop.is_set():
            st = attack(i, stop)
            if st is None:
                continue
            with lock:
                counts[st] = counts.get(st, 0) + 1
    log0 = log_bytes()
    peak_rss, peak_fds, lat, fails = rss_mb(), fds(), [], 0
    ts = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for t in ts: t.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end and alive():
        ms, ok = health_ms()
        lat.append(ms)
        fails += 0 if ok else 1
        peak_rss, peak_fds = max(peak_rss, rss_mb()), max(peak_fds, fds())
        time.sleep(0.05)
    stop.set()
    for t in ts: t.join(timeout=15)
    time.sleep(0.5)
    grown = log_bytes() - log0
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(len(lat) * q))] if lat else float("nan")
    row = dict(flood=name, requests=sum(counts.values()), statuses=dict(sorted(counts.items())), peak_rss_mb=round(peak_rss, 1),
               peak_fds=peak_fds, health_p50_ms=round(p(0.5), 2), health_p99_ms=round(p(0.99), 2), health_failures=fails,
               log_growth_bytes=grown, log_kb_per_min=round(grown / 1024 / (seconds / 60), 1), alive=alive())
    results.append(row)
    print(json.dumps(row), flush=True)

# 1. Logins with wrong passwords, many accounts, from one address.
def login(i, stop):
    body = json.dumps({"email": f"admin{i}@bench.example", "password": "wrong-password"}).encode()
    return raw("POST", "/api/v1/auth/login", body, ["Content-Type: application/json"])
flood("logins", login)

# 2. Unauthenticated API requests.
flood("unauthenticated", lambda i, stop: raw("GET", "/api/v1/contracts"))

# 3. Idle connections: open as many as asked, hold them.
def idle_flood(i, stop):
    held = []
    for _ in range(idle // 4):
        if stop.is_set(): break
        try:
            held.append(connect(timeout=2))
        except OSError:
            time.sleep(0.01)
    stop.wait()
    for s in held: s.close()
    return len(held)
flood("idle-connections", idle_flood, threads=4)

# 4. Slowloris: half-sent heads, a byte at a time.
def slowloris(i, stop):
    conns = []
    for _ in range(250):
        try:
            s = connect(timeout=2)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
            conns.append(s)
        except OSError:
            pass
    closed = 0
    while not stop.is_set():
        for s in list(conns):
            try:
                s.sendall(b"X-a: b\r\n")
            except OSError:
                conns.remove(s); closed += 1
        stop.wait(1)
    for s in conns: s.close()
    return f"closed-by-server:{closed}"
flood("slowloris", slowloris, threads=4)

# 5. An alias bomb in a contract file, then reads of the list (needs a token).
bomb = "a: &a [" + ",".join(["x"] * 10) + "]\n"
for n in "bcdefghi":
    prev = chr(ord(n) - 1)
    bomb += f"{n}: &{n} [" + ",".join([f"*{prev}"] * 10) + "]\n"
path = os.path.join(ws, "companies", company, "contracts", "bomb.yaml")
os.makedirs(os.path.dirname(path), exist_ok=True)
open(path, "w").write(bomb)
token = os.popen(f"cd {ws} && {os.environ.get('PACTORIA', 'pactoria')} token admin@bench.example 2>/dev/null").read().strip()
if not token:
    print("warning: no token from `pactoria token`; the alias-bomb flood runs unauthenticated", flush=True)
flood("alias-bomb", lambda i, stop: raw("GET", "/api/v1/contracts?size=100", headers=[f"Authorization: Bearer {token}"]), threads=2)

# SIGTERM while a request is in flight.
busy = socket.create_connection(("127.0.0.1", port))
busy.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
time.sleep(0.3)
t = time.monotonic()
os.kill(pid, signal.SIGTERM)
while alive() and time.monotonic() - t < 30:
    time.sleep(0.05)
stop_s = time.monotonic() - t

print()
print(f"{'flood':18} {'reqs':>7} {'rss MB':>7} {'fds':>6} {'p50 ms':>7} {'p99 ms':>7} {'hfail':>5} {'log B':>8} {'KB/min':>7} alive")
for r in results:
    print(f"{r['flood']:18} {r['requests']:>7} {r['peak_rss_mb']:>7} {r['peak_fds']:>6} {r['health_p50_ms']:>7} {r['health_p99_ms']:>7} "
          f"{r['health_failures']:>5} {r['log_growth_bytes']:>8} {r['log_kb_per_min']:>7} {r['alive']}")
print(f"SIGTERM while busy: stopped after {stop_s:.1f} s")
print("(security events are aggregated per 60 s window, so a flood's growth is front-loaded: "
      "KB/min above extrapolates a short flood and overstates a long one)")
PY
