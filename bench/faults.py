#!/usr/bin/env python3
"""The long fault-injection campaign of issue #12 (run by bench/faults.sh; not in CI).

Every fault is injected into a fresh copy of a base workspace (example-repo, initialised) that
also holds an *uncommitted edit* of an unrelated draft, planted before the fault. Faults:

  step     PACTORIA_FAULT=<step> [PACTORIA_FAULT_SKIP=n]: the binary _exits(86) at that step of
           its write path (CLI verbs, new, commit, generate, server writes, pull)
  kill     kill -9 at a random moment while a command runs
  disk     a small tmpfs filled to a chosen level (root only), then a write

After each fault and the first Pactoria command (`pactoria status`, which finishes or undoes an
interrupted write), before anyone repairs anything, the campaign checks:
  - `git fsck` is clean;
  - the planted uncommitted edit is byte for byte in the working tree and not committed;
  - no stray file (temp file, half a contract) is staged or left in companies/;
  - a reader (`pactoria show --json`) does not present an uncommitted change as committed.
Then it recovers the way a user would: `pactoria status`; the same command again. If that
does not complete the operation, it runs the first command quoted in backticks by `status` or
by the failing re-run (the hinted command) and tries once more. After recovery the operation
must have happened exactly once (one commit, the right author, the right end state).

Outcomes: recovered without help (consistent at once; a plain re-run completes), recovered
with the hinted command, needing manual repair. A "silent wrong answer" is any check above
that fails without an error saying so (a lost or committed edit, a reader showing uncommitted
state, a double commit, the wrong author, a wrong end state). Targets: 0 manual, 0 silent.
"""
import argparse
import collections
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

AUTHOR = "Fault Bench <faults@example.co.uk>"
PASSWORD = "fault-bench-password-1"
HINT = re.compile(r"`((?:pactoria|rm|git) [^`]+)`")

WRITE_STEPS = ["write.after-journal", "write.after-files", "write.after-index", "commit.after-index",
               "commit.after-commit", "write.after-commit"]
COMMIT_STEPS = ["commit.after-bumps", "commit.after-index", "commit.after-commit"]
NEW_STEPS = ["write.after-journal", "new.after-markdown", "write.after-files"]
PULL_STEPS = ["pull.after-fetch", "pull.after-merge-state", "pull.checkout-file", "pull.after-checkout",
              "pull.after-commit"]


def sh(args, cwd, env=None, input=None, timeout=120):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(args, cwd=cwd, env=e, input=input, capture_output=True, text=True, timeout=timeout)


class Campaign:
    def __init__(self, bin_path, work, seed, verbose):
        self.bin = bin_path
        self.work = work
        self.rng = random.Random(seed)
        self.verbose = verbose
        self.rows = collections.OrderedDict()  # kind -> Counter
        self.failures = []
        self.n = 0
        self.inflight = 0

    # ---- plumbing -------------------------------------------------------------------------
    def p(self, ws, *args, env=None, input=None, timeout=120):
        return sh([self.bin, *args], ws, env=env, input=input, timeout=timeout)

    def git(self, ws, *args):
        return sh(["git", *args], ws)

    def head(self, ws):
        r = self.git(ws, "rev-parse", "-q", "--verify", "HEAD")
        return r.stdout.strip()

    def commits(self, ws):
        return int(self.git(ws, "rev-list", "--count", "HEAD").stdout.strip() or 0)

    def make_base(self, repo):
        base = os.path.join(self.work, "base")
        shutil.copytree(os.path.join(repo, "example-repo"), base)
        r = self.p(base, "init")
        if r.returncode != 0:
            sys.exit(f"faults: pactoria init failed: {r.stderr}")
        self.git(base, "config", "user.name", "Fault Bench")
        self.git(base, "config", "user.email", "faults@example.co.uk")
        r = self.p(base, "user", "add", "admin@faults.example", "--name", "Bench", "--role", "admin",
                   "--company", "brickline-digital", "--password-stdin", input=PASSWORD + "\n")
        if r.returncode != 0:
            sys.exit(f"faults: user add failed: {r.stderr}")
        listing = json.loads(self.p(base, "list", "--json", "--size", "100").stdout or "{}")
        self.by_status = collections.defaultdict(list)
        for c in listing.get("contracts", []):
            self.by_status[c["status"]].append(f'{c["company"]}/{c["stem"]}')
        self.base = base
        # A bare remote with the base pushed, for pull faults.
        self.remote = os.path.join(self.work, "remote.git")
        sh(["git", "init", "-q", "--bare", "--initial-branch=main", self.remote], self.work)
        self.p(base, "remote", "add", "origin", self.remote)
        r = self.p(base, "push")
        if r.returncode != 0:
            sys.exit(f"faults: push failed: {r.stderr}")

    def fresh(self, where=None):
        self.n += 1
        ws = os.path.join(where or self.work, f"ws-{self.n}")
        shutil.copytree(self.base, ws, symlinks=True)
        return ws

    def plant(self, ws, ref):
        """An uncommitted edit of `ref`'s Markdown that nothing in the fault may commit or lose."""
        path = os.path.join(ws, "companies", ref.split("/")[0], "contracts", ref.split("/")[1] + ".md")
        with open(path, "ab") as f:
            f.write(f"\n\nUncommitted note {self.rng.randrange(10**9)}: keep me.\n".encode())
        with open(path, "rb") as f:
            data = f.read()
        return path, hashlib.sha256(data).hexdigest()

    # ---- invariants -----------------------------------------------------------------------
    def invariants(self, ws, planted, quiet_paths=()):
        """Silent wrong answers after a fault and the first Pactoria command (`status`, which
        finishes or undoes an interrupted write): no repair by hand has happened yet. What plain
        git saw before that command (a write in flight: changed files, a staged path) is counted
        apart, as `in flight`: it is what git itself shows after a crash mid-write."""
        staged = self.git(ws, "diff", "--cached", "--name-only").stdout.split()
        dirty = self.git(ws, "status", "--porcelain").stdout.splitlines()
        planted_rel = os.path.relpath(planted[0], ws) if planted else None
        if [p for p in staged if p not in quiet_paths] or [d for d in dirty if d[3:] != planted_rel and d[3:] not in quiet_paths]:
            self.inflight += 1
        self.p(ws, "status")
        silent = []
        fsck = self.git(ws, "fsck", "--no-progress", "--no-dangling")
        if fsck.returncode != 0:
            silent.append("git fsck: " + (fsck.stderr or fsck.stdout).strip().splitlines()[0])
        if planted:
            path, digest = planted
            try:
                with open(path, "rb") as f:
                    now = hashlib.sha256(f.read()).hexdigest()
            except OSError:
                now = None
            if now != digest:
                silent.append(f"planted edit changed or lost: {os.path.relpath(path, ws)}")
            rel = os.path.relpath(path, ws)
            committed = self.git(ws, "show", f"HEAD:{rel}")
            if committed.returncode == 0 and hashlib.sha256(committed.stdout.encode()).hexdigest() == digest:
                silent.append(f"planted edit committed: {rel}")
        staged = self.git(ws, "diff", "--cached", "--name-only").stdout.split()
        stray = [s for s in staged if ".tmp-" in s or s not in quiet_paths]
        if stray:
            silent.append("staged after the fault: " + ", ".join(stray[:3]))
        for root, _, files in os.walk(os.path.join(ws, "companies")):
            for name in files:
                if ".tmp-" in name:
                    silent.append("temp file left in the working tree: " + os.path.relpath(os.path.join(root, name), ws))
        return silent

    def hinted(self, *outputs):
        for out in outputs:
            m = HINT.search(out or "")
            if m:
                return m.group(1)
        return None

    def run_hint(self, ws, hint):
        if hint.startswith("pactoria "):
            return sh([self.bin, *hint.split()[1:]], ws)
        return sh(["bash", "-c", hint], ws)

    def record(self, kind, outcome, silent, detail=""):
        row = self.rows.setdefault(kind, collections.Counter())
        row["faults"] += 1
        row[outcome] += 1
        if silent:
            row["silent"] += 1
        if outcome == "manual" or silent:
            self.failures.append(f"{kind}: {outcome}; {'; '.join(silent)} {detail}".strip())
        if self.verbose:
            print(f"  {kind:10} {outcome:8} {'; '.join(silent)} {detail}", file=sys.stderr)

    # ---- recovery -------------------------------------------------------------------------
    def recover(self, ws, rerun, done):
        """Status, then the same command again, then the hinted command. Returns the outcome."""
        status = self.p(ws, "status")
        if done(ws):
            return "auto" if status.returncode == 0 else self.recover_status(ws, status, done)
        again = rerun(ws)
        if again.returncode == 0 and done(ws):
            return "auto"
        hint = self.hinted(again.stderr, again.stdout, status.stdout, status.stderr)
        if hint:
            self.run_hint(ws, hint)
            if done(ws):
                return "hinted"
            again = rerun(ws)
            if again.returncode == 0 and done(ws):
                return "hinted"
        return "manual"

    def recover_status(self, ws, status, done):
        hint = self.hinted(status.stdout, status.stderr)
        if hint and self.run_hint(ws, hint).returncode == 0 and self.p(ws, "status").returncode == 0 and done(ws):
            return "hinted"
        return "manual"

    # ---- CLI lifecycle verbs --------------------------------------------------------------
    def verb_fault(self, kind, verb, ref, target, extra=(), step=None, kill_after=None):
        ws = self.fresh()
        planted = self.plant(ws, self.by_status["draft"][1] if ref == self.by_status["draft"][0] else self.by_status["draft"][0])
        before = self.commits(ws)
        args = [verb, ref, *extra]
        env = {"PACTORIA_AUTHOR": AUTHOR}
        if step:
            r = self.p(ws, *args, env={**env, "PACTORIA_FAULT": step})
            if r.returncode != 86:
                return self.record(kind, "not-reached", [], f"{step} exit {r.returncode}")
        else:
            if not self.killed(ws, [self.bin, *args], env, kill_after):
                return None
        silent = self.invariants(ws, planted)
        silent += self.reader_check(ws, ref, before)

        def done(w):
            shown = self.shown(w, ref)
            return shown.get("status") == target and self.commits(w) == before + 1 and self.clean_but_planted(w, planted)

        outcome = self.recover(ws, lambda w: self.p(w, *args, env=env), done)
        silent += self.after(ws, before, planted)
        self.record(kind, outcome, silent, step or f"kill@{kill_after:.3f}s")
        shutil.rmtree(ws, ignore_errors=True)

    def shown(self, ws, ref):
        """The contract's metadata as `pactoria show --json` gives it ({} when it cannot)."""
        r = self.p(ws, "show", ref, "--json")
        try:
            return json.loads(r.stdout or "{}").get("metadata") or {}
        except ValueError:
            return {}

    def reader_check(self, ws, ref, before):
        """Right after the fault a reader must show what is committed (or say it is not)."""
        r = self.p(ws, "show", ref, "--json")
        if r.returncode != 0:
            return []
        shown = (json.loads(r.stdout or "{}").get("metadata") or {}).get("status")
        company, stem = ref.split("/")
        committed = self.git(ws, "show", f"HEAD:companies/{company}/contracts/{stem}.yaml").stdout
        m = re.search(r"^status:\s*(\S+)", committed, re.M)
        if m and shown != m.group(1).strip("'\""):
            return [f"reader showed uncommitted status {shown} (HEAD has {m.group(1)})"]
        return []

    def clean_but_planted(self, ws, planted):
        porcelain = self.git(ws, "status", "--porcelain", "--untracked-files=all").stdout.splitlines()
        rel = os.path.relpath(planted[0], ws) if planted else None
        return all(line[3:] == rel for line in porcelain if line.strip())

    def after(self, ws, before, planted):
        silent = []
        if self.commits(ws) > before + 1:
            silent.append(f"{self.commits(ws) - before} commits for one operation")
        author = self.git(ws, "log", "-1", "--format=%an <%ae>").stdout.strip()
        if self.commits(ws) == before + 1 and author not in (AUTHOR, "Bench <admin@faults.example>") and "faults.example" not in author:
            silent.append(f"committed as {author}")
        if planted:
            path, digest = planted
            with open(path, "rb") as f:
                if hashlib.sha256(f.read()).hexdigest() != digest:
                    silent.append("planted edit lost during recovery")
        return silent

    def killed(self, ws, argv, env, after):
        e = dict(os.environ)
        e.update(env)
        proc = subprocess.Popen(argv, cwd=ws, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(after)
        if proc.poll() is not None:
            return False  # finished before the kill: not a fault
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True

    # ---- new, commit, generate ------------------------------------------------------------
    def new_fault(self, step):
        ws = self.fresh()
        planted = self.plant(ws, self.by_status["draft"][0])
        title = f"Fault Bench Agreement {self.n}"
        args = ["new", "--company", "brickline-digital", "--title", title, "--type", "service_agreement",
                "--client", "Acme Ltd"]
        r = self.p(ws, *args, env={"PACTORIA_FAULT": step, "PACTORIA_AUTHOR": AUTHOR})
        if r.returncode != 86:
            return self.record("new", "not-reached", [], f"{step} exit {r.returncode}")
        silent = self.invariants(ws, planted)
        d = os.path.join(ws, "companies/brickline-digital/contracts")
        stems = lambda: sorted(f for f in os.listdir(d) if f.startswith("fault-bench-agreement"))
        left = stems()
        if len(left) == 1:
            silent.append(f"half a contract left: {left[0]}")

        def done(w):
            return len(stems()) == 2 and self.p(w, "status").returncode == 0

        outcome = self.recover(ws, lambda w: self.p(w, *args, env={"PACTORIA_AUTHOR": AUTHOR}), done)
        self.record("new", outcome, silent, step)
        shutil.rmtree(ws, ignore_errors=True)

    def commit_fault(self, step):
        ws = self.fresh()
        ref = self.by_status["draft"][0]
        company, stem = ref.split("/")
        md = os.path.join(ws, "companies", company, "contracts", stem + ".md")
        with open(md, "ab") as f:
            f.write(b"\n\n## 99. Added clause\n\nThe Subcontractor keeps records for six years.\n")
        with open(md, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        before = self.commits(ws)
        args = ["commit", "-m", "Add a records clause"]
        r = self.p(ws, *args, env={"PACTORIA_FAULT": step, "PACTORIA_AUTHOR": AUTHOR})
        if r.returncode != 86:
            return self.record("commit", "not-reached", [], f"{step} exit {r.returncode}")
        silent = self.invariants(ws, None, quiet_paths=(f"companies/{company}/contracts/{stem}.md",
                                                         f"companies/{company}/contracts/{stem}.yaml"))
        with open(md, "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != digest:
                silent.append("the edit being committed changed or was lost")

        def done(w):
            return self.commits(w) == before + 1 and self.clean_but_planted(w, None)

        outcome = self.recover(ws, lambda w: self.p(w, *args, env={"PACTORIA_AUTHOR": AUTHOR}), done)
        silent += self.after(ws, before, None)
        shown = self.git(ws, "show", f"HEAD:companies/{company}/contracts/{stem}.md")
        if self.commits(ws) == before + 1 and hashlib.sha256(shown.stdout.encode()).hexdigest() != digest:
            silent.append("the committed content is not the edit")
        self.record("commit", outcome, silent, step)
        shutil.rmtree(ws, ignore_errors=True)

    # ---- server writes --------------------------------------------------------------------
    def server_fault(self, step, route):
        ws = self.fresh()
        target = "brickline-digital/website-care-plan-agreement"  # a draft of the bench admin's company
        planted = self.plant(ws, next(r for r in self.by_status["draft"] if r != target))
        before = self.commits(ws)
        cid = self.shown(ws, target)["id"]
        body = ({"title": f"Care Plan {self.n}"}, "PATCH", f"/api/v1/contracts/{cid}") if route == "patch" \
            else ({"action": "submit"}, "POST", f"/api/v1/contracts/{cid}/transitions")
        server = Server(self, ws, {"PACTORIA_FAULT": step})
        try:
            token = server.login()
            status, _ = server.call(body[1], body[2], token, body[0])
        finally:
            code = server.stop()
        if code != 86:
            return self.record("server", "not-reached", [], f"{step} {route} status {status} exit {code}")
        silent = self.invariants(ws, planted)
        expected_title = body[0].get("title")

        def done(w):
            shown = self.shown(w, target)
            ok = shown.get("title") == expected_title if expected_title else shown.get("status") == "pending_review"
            return ok and self.commits(w) == before + 1 and self.clean_but_planted(w, planted)

        def rerun(w):
            s = Server(self, w, {})
            try:
                st, text = s.call(body[1], body[2], s.login(), body[0])
            finally:
                s.stop()
            return subprocess.CompletedProcess([], 0 if st in (200, 201) else 1, text, text)

        outcome = self.recover(ws, rerun, done)
        silent += self.after(ws, before, planted)
        self.record("server", outcome, silent, f"{step} {route}")
        shutil.rmtree(ws, ignore_errors=True)

    # ---- pull -----------------------------------------------------------------------------
    def pull_fault(self, step, skip, merge):
        ws = self.fresh()
        other = os.path.join(self.work, f"other-{self.n}")
        r = sh([self.bin, "clone", self.remote, other], self.work)
        if r.returncode != 0:
            return self.record("pull", "manual", [f"clone failed: {r.stderr.strip()}"])
        # The remote side: new contracts and an edit, so the checkout writes many files.
        for i in range(12):
            self.p(other, "new", "--company", "ancoats-bakehouse", "--title", f"Remote Supply {self.n}-{i}",
                   "--type", "supplier_agreement", "--client", "Remote Ltd", env={"PACTORIA_AUTHOR": "Remote <r@example.co.uk>"})
        self.p(other, "commit", "-m", "Remote drafts", env={"PACTORIA_AUTHOR": "Remote <r@example.co.uk>"})
        self.p(other, "push")
        if merge:  # a local commit too, so the pull is a true merge (which starts only from a clean tree)
            self.p(ws, "submit", self.by_status["draft"][1], env={"PACTORIA_AUTHOR": AUTHOR})
        planted = None if merge else self.plant(ws, self.by_status["draft"][0])
        head_before = self.head(ws)
        r = self.p(ws, "pull", env={"PACTORIA_FAULT": step, "PACTORIA_FAULT_SKIP": str(skip), "PACTORIA_AUTHOR": AUTHOR})
        shutil.rmtree(other, ignore_errors=True)
        if r.returncode != 86:
            return self.record("pull", "not-reached", [], f"{step}+{skip} exit {r.returncode}")
        # While the pull's own record says it is interrupted (status names `pactoria pull` and
        # `pactoria merge --abort`), what its checkout staged is the pull in flight, not a stray.
        recorded = any(os.path.exists(os.path.join(self.git_dir(ws), f)) for f in ("MERGE_HEAD", "PACTORIA_MERGE.json"))
        quiet = tuple(self.git(ws, "diff", "--cached", "--name-only").stdout.split()) if recorded else ()
        silent = self.invariants(ws, planted, quiet_paths=quiet)

        def done(w):
            remote_head = sh(["git", "rev-parse", "HEAD"], self.remote).stdout.strip()
            merged = self.git(w, "merge-base", "--is-ancestor", remote_head, "HEAD").returncode == 0
            return merged and self.clean_but_planted(w, planted) and self.p(w, "status").returncode == 0

        outcome = self.recover(ws, lambda w: self.p(w, "pull", env={"PACTORIA_AUTHOR": AUTHOR}), done)
        author = self.git(ws, "log", "-1", "--format=%an", "--no-merges", "--", "companies/ancoats-bakehouse").stdout.strip()
        if author and author != "Remote":
            silent.append(f"the remote's drafts committed as {author}")
        if head_before and self.git(ws, "merge-base", "--is-ancestor", head_before, "HEAD").returncode != 0:
            silent.append("local history lost")
        self.record("pull", outcome, silent, f"{step}+{skip} {'merge' if merge else 'ff'}")
        shutil.rmtree(ws, ignore_errors=True)

    def git_dir(self, ws):
        return os.path.join(ws, self.git(ws, "rev-parse", "--git-dir").stdout.strip())

    # ---- disk full ------------------------------------------------------------------------
    def disk_fault(self, free_kb, op):
        mnt = tempfile.mkdtemp(dir=self.work, prefix="tmpfs-")
        if sh(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt], self.work).returncode != 0:
            os.rmdir(mnt)
            return self.record("disk", "skipped", [], "cannot mount a tmpfs (not root?)")
        try:
            ws = self.fresh(mnt)
            planted = self.plant(ws, self.by_status["draft"][0])
            before = self.commits(ws)
            filler = os.path.join(mnt, "filler")
            st = os.statvfs(mnt)
            avail = st.f_bavail * st.f_frsize
            with open(filler, "wb") as f:
                f.truncate(0)
                left = max(0, avail - free_kb * 1024)
                chunk = b"\0" * (1 << 20)
                while left > 0:
                    n = min(left, len(chunk))
                    try:
                        f.write(chunk[:n])
                        f.flush()
                    except OSError:
                        break
                    left -= n
            env = {"PACTORIA_AUTHOR": AUTHOR}
            if op == "new":
                args = ["new", "--company", "brickline-digital", "--title", f"Disk Full {self.n}", "--type",
                        "service_agreement", "--client", "Acme Ltd"]
            else:
                args = ["submit", self.by_status["draft"][1]]
            r = self.p(ws, *args, env=env)
            silent = []
            if r.returncode == 0:
                os.remove(filler)
                self.record("disk", "auto", self.invariants(ws, planted, quiet_paths=()), f"{op} free={free_kb}K fitted")
                return
            if "full" not in (r.stderr + r.stdout).lower():
                silent.append("error does not say the disk is full: " + (r.stderr.strip().splitlines() or [""])[-1][:100])
            silent += self.invariants(ws, planted)
            d = os.path.join(ws, "companies/brickline-digital/contracts")
            if op == "new" and any(f.startswith("disk-full") for f in os.listdir(d)):
                silent.append("orphan file after a full disk")
            os.remove(filler)
            again = self.p(ws, *args, env=env)
            ok = again.returncode == 0 and (op == "new" or self.commits(ws) == before + 1)
            outcome = "auto" if ok else "manual"
            if not ok:
                silent.append("after freeing space: " + (again.stderr.strip().splitlines() or [""])[-1][:100])
            self.record("disk", outcome, silent, f"{op} free={free_kb}K")
        finally:
            sh(["umount", "-l", mnt], self.work)
            shutil.rmtree(mnt, ignore_errors=True)

    # ---- the table ------------------------------------------------------------------------
    def table(self):
        cols = ["faults", "auto", "hinted", "manual", "silent", "not-reached", "skipped"]
        heads = ["fault kind", "injected", "recovered, no help", "with hinted command", "manual repair",
                 "silent wrong", "step not reached", "skipped"]
        lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        total = collections.Counter()
        for kind, row in self.rows.items():
            injected = row["faults"] - row["not-reached"] - row["skipped"]
            vals = [injected] + [row[c] for c in cols[1:]]
            total.update(dict(zip(cols, vals)))
            lines.append(f"| {kind} | " + " | ".join(str(v) for v in vals) + " |")
        lines.append("| **total** | " + " | ".join(str(total[c]) for c in cols) + " |")
        return "\n".join(lines), total


class Server:
    def __init__(self, campaign, ws, env):
        self.c = campaign
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        e = dict(os.environ)
        e.update(env)
        e["PACTORIA_AUTHOR"] = AUTHOR
        self.proc = subprocess.Popen([campaign.bin, "serve", "--port", str(self.port)], cwd=ws, env=e,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1).read()
                return
            except Exception:
                if self.proc.poll() is not None:
                    return
                time.sleep(0.05)

    def call(self, method, path, token, body):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except Exception as e:  # the server died mid-request
            return 0, str(e)

    def login(self):
        status, text = self.call("POST", "/api/v1/auth/login", None, {"email": "admin@faults.example", "password": PASSWORD})
        try:
            return json.loads(text)["access_token"]
        except Exception:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        return self.proc.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--kills", type=int, default=200, help="random-moment kill -9 faults")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    os.environ.update({"NO_COLOR": "1", "PACTORIA_INSECURE_TEST_PBKDF2_ITERATIONS": "1000",
                       "PACTORIA_TEMPLATES": os.path.join(a.repo, "templates")})
    work = tempfile.mkdtemp(prefix="pactoria-faults.")
    c = Campaign(a.bin, work, a.seed, a.verbose)
    started = time.time()
    try:
        c.make_base(a.repo)
        drafts, pending, active = c.by_status["draft"], c.by_status["pending_review"], c.by_status["active"]
        verbs = [("submit", drafts[0], "pending_review", ()),
                 ("terminate", active[0], "terminated", ("--reason", "Supplier ceased trading")),
                 ("complete", active[1], "completed", ()),
                 ("request-changes", pending[0], "draft", ("--reason", "Clause 4 needs a cap"))]
        print("== lifecycle verbs at every write step", file=sys.stderr)
        for verb, ref, target, extra in verbs:
            for step in WRITE_STEPS:
                c.verb_fault("verb", verb, ref, target, extra, step=step)
        print("== new", file=sys.stderr)
        for step in NEW_STEPS:
            c.new_fault(step)
        print("== commit", file=sys.stderr)
        for step in COMMIT_STEPS:
            c.commit_fault(step)
        print("== generate", file=sys.stderr)
        for step in WRITE_STEPS:
            c.verb_fault("generate", "generate", drafts[0], "draft", ("--regenerate", "--force"), step=step)
        print("== server writes", file=sys.stderr)
        for step in WRITE_STEPS:
            for route in ("patch", "transition"):
                c.server_fault(step, route)
        print("== pull", file=sys.stderr)
        for merge in (False, True):
            for step in PULL_STEPS:
                for skip in ((0, 3, 9, 17, 30, 45) if step == "pull.checkout-file" else (0,)):
                    c.pull_fault(step, skip, merge)
        print("== disk full", file=sys.stderr)
        for op in ("new", "submit"):
            for free_kb in (0, 4, 16, 64, 256):
                c.disk_fault(free_kb, op)
        print(f"== {a.kills} kill -9 at random moments", file=sys.stderr)
        for i in range(a.kills):
            verb, ref, target, extra = verbs[i % len(verbs)]
            # Within the time a verb takes (about 0.2 s for the debug build on this machine), so
            # most attempts land mid-command; one that finishes first is not counted as a fault.
            after = c.rng.uniform(0.003, 0.2)
            if c.verb_fault("kill", verb, ref, target, extra, kill_after=after) is None and "kill" in c.rows:
                pass
    finally:
        table, total = c.table()
        print(table)
        print(f"\n{total['faults']} faults injected in {time.time() - started:.0f} s; "
              f"{total['manual']} needing manual repair, {total['silent']} silent wrong answers. "
              f"In {c.inflight} faults plain git saw the write in flight until the first Pactoria command.")
        for f in c.failures[:40]:
            print("  - " + f)
        if a.keep:
            print(f"(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
