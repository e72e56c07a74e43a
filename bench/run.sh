#!/usr/bin/env bash
# Pactoria vs git benchmark. See bench/README.md.
#
#   bench/run.sh [--contracts 10000] [--runs 7] [--bin PATH] [--keep] [--workspace DIR]
#                [--history N | --history-workspace DIR] [--only SUBSTR] [--quick]
#
# Generates a synthetic workspace (100 companies x contracts/100) in a temp dir (or copies DIR),
# then compares pactoria commands with the plain-git equivalent (median wall time over --runs
# runs, after one warm-up run each, peak RSS of each pactoria row) and prints tables: the warm
# rows, the history verbs and the cold start (bench/verbs.py). --history N also builds a workspace
# with N commits of lifecycle events and runs the history rows there; last, the start-up floor
# (bench/startup.sh: what a program linked to libgit2 takes to start). Always exits 0 once the
# report is printed: it is a report, not a gate.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
contracts=10000
runs=7
bin=""
keep=0
src_ws=""
history=0
src_hist=""
only=""
quick=""

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --contracts) contracts=$2; shift 2 ;;
    --contracts=*) contracts=${1#*=}; shift ;;
    --runs) runs=$2; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --bin) bin=$2; shift 2 ;;
    --bin=*) bin=${1#*=}; shift ;;
    --keep) keep=1; shift ;;
    --workspace) src_ws=$2; shift 2 ;;
    --workspace=*) src_ws=${1#*=}; shift ;;
    --history) history=$2; shift 2 ;;
    --history=*) history=${1#*=}; shift ;;
    --history-workspace) src_hist=$2; shift 2 ;;
    --history-workspace=*) src_hist=${1#*=}; shift ;;
    --only) only=$2; shift 2 ;;
    --only=*) only=${1#*=}; shift ;;
    --quick) quick=--quick; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $contracts =~ ^[0-9]+$ && $contracts -ge 1 ]] || { echo "run.sh: --contracts must be a positive integer" >&2; exit 2; }
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 ]] || { echo "run.sh: --runs must be a positive integer" >&2; exit 2; }
[[ $history =~ ^[0-9]+$ ]] || { echo "run.sh: --history must be a number of commits" >&2; exit 2; }
for d in "$src_ws" "$src_hist"; do
  [[ -z $d || -d $d/.git ]] || { echo "run.sh: $d is not a workspace (no .git)" >&2; exit 2; }
done
[[ $history == 0 || -z $src_hist ]] || { echo "run.sh: give --history or --history-workspace, not both" >&2; exit 2; }

if [[ -z $bin ]]; then
  bin=$repo/.build-static/release/pactoria
  if [[ ! -x $bin ]]; then
    echo "== $bin missing: swift build -c release --static-swift-stdlib" >&2
    (cd "$repo" && swift build -c release --product pactoria --static-swift-stdlib --scratch-path .build-static) >&2
  fi
fi
[[ -x $bin ]] || { echo "run.sh: pactoria binary not found or not executable: $bin" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

work=$(mktemp -d "${TMPDIR:-/tmp}/pactoria-bench.XXXXXX")
if [[ $keep == 1 ]]; then
  trap 'echo "(kept $work)"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
ws=$work/ws        # pactoria runs here (and the read-only git commands)
wsg=$work/ws-git   # copy for the git side of the commit comparison
wsc=$work/ws-commit  # copy for the pactoria side of it
wsh=$work/ws-hist  # the history workspace (--history N or --history-workspace DIR)
export NO_COLOR=1

# ----------------------------------------------------------------------------- timing helper
timer=$work/timer.py
cat >"$timer" <<'PY'
import os, re, resource, shutil, statistics, subprocess, sys, time

DEVNULL = subprocess.DEVNULL

def run(argv, cwd, capture=False):
    t = time.perf_counter()
    p = subprocess.run(argv, cwd=cwd, stdin=DEVNULL, stderr=DEVNULL,
                       stdout=subprocess.PIPE if capture else DEVNULL)
    ms = (time.perf_counter() - t) * 1000
    lines = len(p.stdout.splitlines()) if capture else -1
    return ms, p.returncode, lines

def split_cmd(args):
    i = args.index("--")
    return args[:i], args[i + 1:]

def cmd_median(args):        # median RUNS CWD -- argv...   (one warm-up run first)
    (runs, cwd), argv = split_cmd(args)
    _, rc, lines = run(argv, cwd, capture=True)
    times, rcs = [], [rc]
    for _ in range(int(runs)):
        ms, rc, _ = run(argv, cwd)
        times.append(ms); rcs.append(rc)
    bad = next((r for r in rcs if r != 0), 0)
    print(f"{statistics.median(times):.1f} {bad} {lines} {min(times):.1f} {max(times):.1f}")

def cmd_once(args):          # once CWD -- argv...
    (cwd,), argv = split_cmd(args)
    ms, rc, _ = run(argv, cwd)
    print(f"{ms:.1f} {rc}")

def cmd_rss(args):           # rss CWD -- argv...   -> peak RSS in KiB
    (cwd,), argv = split_cmd(args)
    gtime = "/usr/bin/time"
    if os.access(gtime, os.X_OK) and subprocess.run([gtime, "-v", "true"], stdout=DEVNULL,
                                                     stderr=DEVNULL).returncode == 0:
        p = subprocess.run([gtime, "-v", *argv], cwd=cwd, stdin=DEVNULL, stdout=DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
        if m:
            print(f"{m.group(1)} {p.returncode} /usr/bin/time")
            return
    p = subprocess.run(argv, cwd=cwd, stdin=DEVNULL, stdout=DEVNULL, stderr=DEVNULL)
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if sys.platform == "darwin":
        kb //= 1024
    print(f"{kb} {p.returncode} getrusage")

def md_files(ws):
    # Editable contracts only (draft, pending_review): Pactoria refuses content edits to active
    # and read-only contracts, so the commit test edits what a person could edit.
    out = []
    base = os.path.join(ws, "companies")
    for co in sorted(os.listdir(base)):
        d = os.path.join(base, co, "contracts")
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if not f.endswith(".md"):
                continue
            with open(os.path.join(d, f[:-3] + ".yaml"), encoding="utf-8") as y:
                status = next((l.split(":", 1)[1].strip() for l in y if l.startswith("status:")), "")
            if status in ("draft", "pending_review"):
                out.append(os.path.join(d, f))
    return out

def cmd_commit(args):        # commit RUNS WS pactoria|git BIN
    runs, ws, mode, binary = args
    files = md_files(ws)
    times, bad = [], 0
    for i in range(int(runs) + 1):                          # i == 0 is the warm-up
        path = files[(i * 7919 + 13) % len(files)]          # a different contract each run
        with open(path, "a", encoding="utf-8") as f:        # the edit itself is not timed
            f.write(f"\nBench edit {i}: the parties agree to vary clause {i + 1}.1 as set out above.\n")
        t = time.perf_counter()
        if mode == "pactoria":
            rc = subprocess.run([binary, "commit", "-m", "bench edit"], cwd=ws, stdin=DEVNULL,
                                stdout=DEVNULL, stderr=DEVNULL).returncode
        else:
            rc = subprocess.run(["git", "add", "-A"], cwd=ws, stdout=DEVNULL,
                                stderr=DEVNULL).returncode
            if rc == 0:
                rc = subprocess.run(["git", "commit", "-q", "-m", "bench edit"], cwd=ws,
                                    stdin=DEVNULL, stdout=DEVNULL, stderr=DEVNULL).returncode
        ms = (time.perf_counter() - t) * 1000
        bad = bad or rc
        if i > 0:
            times.append(ms)
    rss = -1
    if mode == "pactoria" and os.access("/usr/bin/time", os.X_OK):  # one more run, for its peak RSS
        with open(files[(int(runs) + 1) * 7919 % len(files)], "a", encoding="utf-8") as f:
            f.write("\nBench edit for the RSS run.\n")
        p = subprocess.run(["/usr/bin/time", "-v", binary, "commit", "-m", "bench edit"], cwd=ws,
                           stdin=DEVNULL, stdout=DEVNULL, stderr=subprocess.PIPE, text=True)
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
        rss = int(m.group(1)) if m else -1
    print(f"{statistics.median(times):.1f} {bad} -1 {min(times):.1f} {max(times):.1f} {rss}")

def cmd_client(args):        # client WS -> a client name that exists in the workspace
    (ws,) = args
    for path in md_files(ws):
        with open(path[:-3] + ".yaml", encoding="utf-8") as f:
            m = re.search(r"^client:\n(?:  .*\n)*?  name: (.+)$", f.read(), re.M)
        if m:
            name = m.group(1).strip()
            if name.startswith('"'):
                name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            print(name)
            return
    sys.exit("no client name found")

def cmd_size(args):          # size WS -> contracts worktree_bytes git_bytes
    (ws,) = args
    wt = gd = n = 0
    for root, dirs, files in os.walk(ws):
        in_git = root == os.path.join(ws, ".git") or root.startswith(os.path.join(ws, ".git") + os.sep)
        for f in files:
            s = os.lstat(os.path.join(root, f)).st_size
            if in_git:
                gd += s
            else:
                wt += s
                n += f.endswith(".yaml") and os.path.basename(root) == "contracts"
    print(n, wt, gd)

{"median": cmd_median, "once": cmd_once, "rss": cmd_rss, "commit": cmd_commit,
 "client": cmd_client, "size": cmd_size}[sys.argv[1]](sys.argv[2:])
PY
t() { python3 "$timer" "$@"; }

# ----------------------------------------------------------------------------- header
cpus=$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo "?")
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1 || true)
per=$(( contracts / 100 )); [[ $per -ge 1 ]] || per=1
echo "Pactoria benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:   nproc=$cpus${model:+ ($model)}, $(uname -sr)"
echo "git:       $(git --version)"
echo "pactoria:  $bin"
echo "runs:      $runs (median, after 1 warm-up each)"

# make_ws LABEL DEST SOURCE [genworkspace options...]: copy SOURCE (never written to), or
# generate DEST when SOURCE is empty; prints one line describing it.
make_ws() {
  local label=$1 dest=$2 src=$3 how ms rc n wt gd
  shift 3
  if [[ -n $src ]]; then
    read -r ms rc < <(t once "$here" -- cp -a "$src" "$dest")
    how="copied from $src in $(echo "$ms" | awk '{printf "%.1f", $1/1000}') s"
  else
    read -r ms rc < <(t once "$here" -- python3 "$here/genworkspace.py" "$dest" --quiet "$@")
    how="generated in $(echo "$ms" | awk '{printf "%.1f", $1/1000}') s"
  fi
  [[ $rc == 0 ]] || { echo "run.sh: $label workspace: copy or generation failed" >&2; exit 1; }
  read -r n wt gd < <(t size "$dest")
  printf '%-10s %d contracts, %.1f MB worktree + %.1f MB .git, %d commits (%s)\n' "$label:" "$n" \
    "$(echo "$wt" | awk '{print $1/1e6}')" "$(echo "$gd" | awk '{print $1/1e6}')" \
    "$(git -C "$dest" rev-list --count HEAD)" "$how"
}
make_ws workspace "$ws" "$src_ws" --companies 100 --per-company "$per"
if [[ $history -gt 0 || -n $src_hist ]]; then
  make_ws history "$wsh" "$src_hist" --companies 100 --per-company "$per" --history "$history"
fi
[[ -n $only ]] || { cp -a "$ws" "$wsg"; cp -a "$ws" "$wsc"; }
client=$(t client "$ws")
echo "search:    \"$client\" ($(git -C "$ws" grep -l -i -F "$client" -- companies | wc -l | tr -d ' ') files mention it)"
echo

# ----------------------------------------------------------------------------- warm medians
# Each result: median rc lines min max; the commit tests run in their own copies, so the history
# rows below see the workspace as generated.
if [[ -z $only ]]; then
  P_status=$(t median "$runs" "$ws" -- "$bin" status)
  G_status=$(t median "$runs" "$ws" -- git status)
  P_active=$(t median "$runs" "$ws" -- "$bin" list --status active)
  G_active=$(t median "$runs" "$ws" -- git grep -l "status: active" -- companies)
  P_search=$(t median "$runs" "$ws" -- "$bin" list --search "$client")
  G_search=$(t median "$runs" "$ws" -- git grep -l -i "$client" -- companies)
  read -r rss_status _ rss_how < <(t rss "$ws" -- "$bin" status)
  read -r rss_active _ _ < <(t rss "$ws" -- "$bin" list --status active)
  read -r rss_search _ _ < <(t rss "$ws" -- "$bin" list --search "$client")
  P_commit=$(t commit "$runs" "$wsc" pactoria "$bin")
  G_commit=$(t commit "$runs" "$wsg" git "$bin")
  read -r _ _ _ _ _ rss_commit <<<"$P_commit"

  # --------------------------------------------------------------------------- report
  echo "== warm rows (peak RSS: $rss_how; target <= 150 MB)"
  printf '%-44s %12s %9s %7s %7s %7s  %s\n' operation "pactoria ms" "git ms" ratio target "RSS MB" result
  row() {  # label target pactoria-result git-result rss-kb
    local label=$1 target=$2
    local pm prc _ gm grc
    read -r pm prc _ _ _ <<<"$3"
    read -r gm grc _ _ _ <<<"$4"
    awk -v l="$label" -v tg="$target" -v pm="$pm" -v gm="$gm" -v prc="$prc" -v grc="$grc" -v kb="${5:--1}" 'BEGIN {
      r = (gm > 0) ? pm / gm : 0
      res = (r <= tg) ? "PASS" : "MISS"
      if (prc != 0) res = "ERR (pactoria exit " prc ")"
      if (grc != 0 && grc != 1) res = res " (git exit " grc ")"
      if (kb > 150 * 1024) res = res "; RSS > 150 MB"
      rss = (kb >= 0) ? sprintf("%7.1f", kb / 1024) : "      ?"
      printf "%-44s %12.1f %9.1f %7.2f %7s %s  %s\n", l, pm, gm, r, "<=" tg, rss, res
    }'
  }
  row "status  vs  git status"                      1.5 "$P_status" "$G_status" "$rss_status"
  row "list --status active  vs  git grep -l"       2.0 "$P_active" "$G_active" "$rss_active"
  row "list --search NAME  vs  git grep -l -i"      2.0 "$P_search" "$G_search" "$rss_search"
  row "commit (1 edited .md)  vs  git add+commit"   1.5 "$P_commit" "$G_commit" "$rss_commit"
  lines() { read -r _ _ n _ _ <<<"$1"; echo "$n"; }
  echo "   result rows (warm-up run): list --status active $(lines "$P_active") lines, git grep $(lines "$G_active") files;" \
       "list --search $(lines "$P_search") lines, git grep -i $(lines "$G_search") files"
  for pair in "list --status active:$P_active:$G_active" "list --search:$P_search:$G_search"; do
    IFS=: read -r what pr gr <<<"$pair"
    if [[ $(lines "$pr") == 0 && $(lines "$gr") != 0 ]]; then
      echo "   warning: pactoria $what printed nothing while git grep found matches"
    fi
  done
  spread() { read -r m _ _ lo hi _ <<<"$1"; echo "$lo–$hi"; }
  echo "   min–max ms: status $(spread "$P_status") / $(spread "$G_status"); active $(spread "$P_active") / $(spread "$G_active");" \
       "search $(spread "$P_search") / $(spread "$G_search"); commit $(spread "$P_commit") / $(spread "$G_commit")"
fi

# ----------------------------------------------------------------------------- history verbs, cold start
# bench/verbs.py: audit, log, audit --contract C, log C, check/review --base HEAD~1, cold status
# and list (vs git status and PyYAML), pactoria --version; on the history workspace also a
# renamed contract and --base HEAD~100.
python3 "$here/verbs.py" "$ws" "$bin" "$runs" --title "history verbs and cold start on the workspace" \
  --cold ${only:+--only "$only"} $quick
if [[ -d $wsh ]]; then
  python3 "$here/verbs.py" "$wsh" "$bin" "$runs" --title "history verbs on the history workspace" \
    --history ${only:+--only "$only"} $quick
fi

# ----------------------------------------------------------------------------- start-up floor
# What part of a short command is process start: /bin/true, a C program that only links libgit2
# (Debian's build brings mbedTLS, libssh2, Kerberos...), the same with libcurl, git, pactoria.
if [[ -z $only || $only == *version* || $only == *start* ]]; then
  echo
  bash "$here/startup.sh" "$bin" "$((runs * 4))" || echo "   (start-up floor skipped: needs a C compiler)"
fi
exit 0
