#!/usr/bin/env python3
"""The history and cold-start rows of bench/run.sh (issue #15), on one workspace.

    verbs.py WS BIN RUNS [--title TEXT] [--history] [--cold] [--only SUBSTR]

Every pactoria command runs beside its git equivalent in the same run; each side gets one
warm-up run and then RUNS timed runs (median), and each pactoria row also gets one run under
`/usr/bin/time -v` for its peak RSS (target: 150 MB). Rows:

  audit, log                   vs git log --format='%H %(trailers)'          <= 2x
  audit --contract C, log C    vs git log -- C.yaml C.md                     <= 2x
  (--history) the same for a renamed contract R  vs git log --follow -- R.yaml   <= 2x
  check/review --base HEAD~1   vs git diff --name-only HEAD~1                <= 3x git + parse
  (--history) check/review --base HEAD~100 likewise
  (--cold) cold status, cold list --status active (.pactoria/cache deleted before every run)
       vs git status, and vs PyYAML's C loader parsing every contract YAML: <= 1.0 s and
       more than 2.5x faster than PyYAML
  pactoria --version           the process-start floor

"parse" is the time PyYAML's C loader takes, in process, to parse the changed contracts' YAML
before and after (what "parsing only the changed contracts" costs); the report prints how many
contracts changed. C is the contract with the most Pactoria-Contract trailers (or one changed
by the last commit), R the last contract genworkspace.py renamed (.git/pactoria-bench.json; else
the last rename git finds). The workspace is written to (the cache), never its history.
Python 3 standard library; PyYAML only for its column (skipped when it is not installed).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

DEVNULL = subprocess.DEVNULL
RSS_TARGET_MB = 150.0


def run(argv, cwd, capture=False):
    t = time.perf_counter()
    p = subprocess.run(argv, cwd=cwd, stdin=DEVNULL, stderr=DEVNULL,
                       stdout=subprocess.PIPE if capture else DEVNULL)
    ms = (time.perf_counter() - t) * 1000
    return ms, p.returncode, (len(p.stdout.splitlines()) if capture else -1)


QUICK = False  # --quick: one run, no warm-up (for a slow "before" binary)


def median(argv, cwd, runs, before=None):
    """(median ms, first bad exit code or 0, lines of the warm-up run's output)."""
    if QUICK:
        if before:
            before()
        return run(argv, cwd, capture=True)
    if before:
        before()
    _, rc, lines = run(argv, cwd, capture=True)
    times, bad = [], rc
    for _ in range(runs):
        if before:
            before()
        ms, rc, _ = run(argv, cwd)
        times.append(ms)
        bad = bad or rc
    return statistics.median(times), bad, lines


def peak_rss_mb(argv, cwd, before=None):
    gtime = "/usr/bin/time"
    if not os.access(gtime, os.X_OK):
        return None
    if before:
        before()
    p = subprocess.run([gtime, "-v", *argv], cwd=cwd, stdin=DEVNULL, stdout=DEVNULL,
                       stderr=subprocess.PIPE, text=True, errors="replace")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return int(m.group(1)) / 1024 if m else None


def measure_pactoria(argv, cwd, runs, before=None):
    """(median ms, bad exit code, lines, peak RSS MB). With --quick: one run, timed under
    /usr/bin/time -v, which gives its RSS too."""
    if not QUICK or not os.access("/usr/bin/time", os.X_OK):
        ms, rc, lines = median(argv, cwd, runs, before)
        return ms, rc, lines, peak_rss_mb(argv, cwd, before)
    if before:
        before()
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v", *argv], cwd=cwd, stdin=DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    ms = (time.perf_counter() - t) * 1000
    m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return ms, p.returncode, len(p.stdout.splitlines()), (int(m.group(1)) / 1024 if m else None)


def git_out(ws, *args):
    return subprocess.run(["git", *args], cwd=ws, check=True, capture_output=True, text=True).stdout


def pick_contract(ws):
    """The path stem (companies/<co>/contracts/<stem>) of the contract with the most trailers."""
    ids = git_out(ws, "log", "--format=%(trailers:key=Pactoria-Contract,valueonly)").split()
    counts = {}
    for i in ids:
        counts[i.lower()] = counts.get(i.lower(), 0) + 1
    for cid, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]:
        hits = git_out(ws, "grep", "-l", "-F", f"id: {cid}", "HEAD", "--", "companies").split()
        hits = [h.split(":", 1)[1] for h in hits if h.endswith(".yaml")]
        if len(hits) == 1:
            return hits[0][:-5], counts[cid]
    changed = [p for p in git_out(ws, "diff", "--name-only", "HEAD~1", "HEAD", "--", "companies").split()
               if p.endswith(".yaml") and "/contracts/" in p]
    if changed:
        return changed[0][:-5], 0
    files = sorted(p for p in git_out(ws, "ls-files", "companies").split() if p.endswith(".yaml")
                   and "/contracts/" in p)
    return files[len(files) // 2][:-5], 0


def pick_renamed(ws):
    meta = os.path.join(ws, ".git", "pactoria-bench.json")
    if os.path.exists(meta):
        with open(meta, encoding="utf-8") as f:
            renamed = json.load(f).get("renamed") or []
        for r in reversed(renamed):
            co, stem = r["to"].split("/", 1)
            path = f"companies/{co}/contracts/{stem}"
            if os.path.exists(os.path.join(ws, path + ".yaml")):
                return path
    out = git_out(ws, "log", "-M", "--diff-filter=R", "--name-status", "--format=", "--", "companies")
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].endswith(".yaml") and os.path.exists(os.path.join(ws, parts[2])):
            return parts[2][:-5]
    return None


def ref_of(path):
    """companies/<co>/contracts/<stem> -> <co>/<stem>: a stem alone can name contracts of several
    companies, and pactoria then refuses it as ambiguous."""
    parts = path.split("/")
    return f"{parts[1]}/{parts[3]}"


def changed_contracts(ws, rev):
    """Contracts (path stems) changed between REV and HEAD, and PyYAML's time to parse their
    YAML on both sides (None without PyYAML)."""
    paths = git_out(ws, "diff", "--name-only", rev, "HEAD", "--", "companies").split()
    stems = sorted({p.rsplit(".", 1)[0] for p in paths if "/contracts/" in p
                    and (p.endswith(".yaml") or p.endswith(".md"))})
    try:
        import yaml
        loader = yaml.CLoader
    except (ImportError, AttributeError):
        return stems, None
    specs = "".join(f"{side}:{s}.yaml\n" for s in stems for side in (rev, "HEAD"))
    p = subprocess.run(["git", "cat-file", "--batch"], cwd=ws, input=specs.encode("utf-8"),
                       capture_output=True, check=True)
    blobs, data, i = [], p.stdout, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        header = data[i:nl].split()
        if header[-1] == b"missing":
            i = nl + 1
            continue
        size = int(header[2])
        blobs.append(data[nl + 1: nl + 1 + size])
        i = nl + 1 + size + 1
    best = None
    for _ in range(3):  # the best of three: the allowance is a cost, not a noise sample
        t = time.perf_counter()
        for b in blobs:
            yaml.load(b, Loader=loader)
        ms = (time.perf_counter() - t) * 1000
        best = ms if best is None else min(best, ms)
    return stems, best


PYYAML_ALL = (
    "import glob, yaml\n"
    "for f in glob.glob('companies/*/contracts/*.yaml'):\n"
    "    with open(f, 'rb') as h:\n"
    "        yaml.load(h, Loader=yaml.CLoader)\n"
)


def have_pyyaml():
    return subprocess.run([sys.executable, "-c", "import yaml; yaml.CLoader"], stdout=DEVNULL,
                          stderr=DEVNULL).returncode == 0


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("ws")
    ap.add_argument("bin")
    ap.add_argument("runs", type=int)
    ap.add_argument("--title", default="")
    ap.add_argument("--history", action="store_true", help="add the renamed-contract and HEAD~100 rows")
    ap.add_argument("--cold", action="store_true", help="add the cold status/list rows")
    ap.add_argument("--only", default="", help="only rows whose label contains this")
    ap.add_argument("--quick", action="store_true", help="one timed run per side, no warm-up")
    a = ap.parse_args(argv)
    global QUICK
    QUICK = a.quick
    ws, binp, runs = a.ws, a.bin, a.runs
    cold_runs = 1 if a.quick else min(runs, 3)

    def clear_cache():
        shutil.rmtree(os.path.join(ws, ".pactoria", "cache"), ignore_errors=True)

    commits = int(git_out(ws, "rev-list", "--count", "HEAD"))
    trailers = git_out(ws, "log", "--format=%(trailers:key=Pactoria-Contract,valueonly)").split()
    c_path, c_events = pick_contract(ws)
    c_stem = ref_of(c_path)
    r_path = pick_renamed(ws) if a.history else None
    print(f"\n== {a.title or ws}: {commits} commits, {len(trailers)} Pactoria-Contract trailers")
    print(f"   C = {c_path} ({c_events} trailer blocks)" + (f"; R (renamed) = {r_path}" if r_path else ""))

    log_fmt = ["git", "log", "--format=%H %(trailers)"]
    c_files = [c_path + ".yaml", c_path + ".md"]
    rows = [  # label, pactoria argv, git argv, ratio target, rev for the parse allowance, before
        ("audit", [binp, "audit"], log_fmt, 2.0, None, None),
        ("log", [binp, "log"], log_fmt, 2.0, None, None),
        ("audit --contract C", [binp, "audit", "--contract", c_stem], ["git", "log", "--", *c_files], 2.0, None, None),
        ("log C", [binp, "log", c_stem], ["git", "log", "--", *c_files], 2.0, None, None),
    ]
    if r_path:
        r_stem = ref_of(r_path)
        follow = ["git", "log", "--follow", "--", r_path + ".yaml"]
        rows += [
            ("audit --contract R (renamed)", [binp, "audit", "--contract", r_stem], follow, 2.0, None, None),
            ("log R (renamed)", [binp, "log", r_stem], follow, 2.0, None, None),
        ]
    revs = ["HEAD~1"] + (["HEAD~100"] if a.history and commits > 100 else [])
    for rev in revs:
        diff = ["git", "diff", "--name-only", rev]
        rows += [
            (f"check --base {rev}", [binp, "check", "--base", rev], diff, 3.0, rev, None),
            (f"review --base {rev}", [binp, "review", "--base", rev], diff, 3.0, rev, None),
        ]

    print(f"{'operation':<38} {'pactoria ms':>12} {'git ms':>9} {'ratio':>7} {'target':>16} "
          f"{'RSS MB':>7}  {'lines p/g':>11}  result")

    def report(label, pm, prc, plines, gm, grc, glines, target_text, ok, rss, findings=False):
        res = "PASS" if ok else "MISS"
        if prc == 1 and findings:
            res += " (exit 1: rule findings)"   # check/review report broken rules with exit 1
        elif prc != 0:
            res = f"ERR (pactoria exit {prc})"
        if grc not in (0, None):
            res += f" (git exit {grc})"
        if rss is not None and rss > RSS_TARGET_MB:
            res += f"; RSS > {RSS_TARGET_MB:.0f} MB"
        ratio = f"{pm / gm:7.2f}" if gm else f"{'':>7}"
        gtxt = f"{gm:9.1f}" if gm is not None else f"{'':>9}"
        rtxt = f"{rss:7.1f}" if rss is not None else f"{'?':>7}"
        print(f"{label:<38} {pm:12.1f} {gtxt} {ratio} {target_text:>16} {rtxt}  "
              f"{plines:>5}/{glines if glines is not None else '-':<5}  {res}", flush=True)

    notes = []
    parsed = {}
    for label, p_argv, g_argv, target, rev, before in rows:
        if a.only and a.only not in label:
            continue
        pm, prc, plines, rss = measure_pactoria(p_argv, ws, runs)
        gm, grc, glines = median(g_argv, ws, runs)
        if rev:
            if rev not in parsed:
                parsed[rev] = changed_contracts(ws, rev)
            stems, parse_ms = parsed[rev]
            allowance = parse_ms or 0.0
            budget = target * gm + allowance
            report(label, pm, prc, plines, gm, grc, glines, f"<={target:.0f}x+{allowance:.0f}ms",
                   pm <= budget, rss, findings=True)
            note = f"{rev}: {len(stems)} contracts changed"
            note += (f"; PyYAML CLoader parses their YAML (before+after) in {parse_ms:.1f} ms"
                     if parse_ms is not None else "; PyYAML not installed: no parse allowance")
            if note not in notes:
                notes.append(note)
        else:
            report(label, pm, prc, plines, gm, grc, glines, f"<={target:.0f}x", pm <= target * gm, rss)

    if a.cold and (not a.only or a.only in "cold status cold list --status active"):
        gm, grc, glines = median(["git", "status"], ws, runs)
        py_ms = None
        if have_pyyaml():
            py_ms, py_rc, _ = median([sys.executable, "-c", PYYAML_ALL], ws, cold_runs)
            if py_rc:
                py_ms = None
        for label, argv in (("cold status", [binp, "status"]),
                            ("cold list --status active", [binp, "list", "--status", "active"])):
            if a.only and a.only not in label:
                continue
            pm, prc, plines, rss = measure_pactoria(argv, ws, cold_runs, before=clear_cache)
            ok = pm <= 1000 and (py_ms is None or py_ms / pm > 2.5)
            report(label + " vs git status", pm, prc, plines, gm, grc, glines,
                   "<=1000ms,PyYAML/2.5", ok, rss)
        if py_ms is not None:
            notes.append(f"PyYAML CLoader parsing all {count_yaml(ws)} contract YAML files (one process): "
                         f"{py_ms:.1f} ms median of {cold_runs}; cold target: pactoria <= 1000 ms and "
                         f"< {py_ms / 2.5:.0f} ms (2.5x below PyYAML)")
        else:
            notes.append("PyYAML with its C loader is not installed (apt-get install python3-yaml): "
                         "the PyYAML comparison is skipped")
        notes.append(f"cold rows: .pactoria/cache deleted before each run; median of {cold_runs}")
        clear_cache()
        run([binp, "status"], ws)  # leave the cache warm for whatever follows

    if not a.only or a.only in "--version":
        pm, prc, plines, rss = measure_pactoria([binp, "--version"], ws, runs)
        report("pactoria --version (start floor)", pm, prc, plines, None, None, None, "", True, rss)
    for n in notes:
        print("   " + n)
    return 0


def count_yaml(ws):
    base = os.path.join(ws, "companies")
    return sum(1 for co in os.listdir(base) if os.path.isdir(os.path.join(base, co, "contracts"))
               for f in os.listdir(os.path.join(base, co, "contracts")) if f.endswith(".yaml"))


if __name__ == "__main__":
    sys.exit(main())
