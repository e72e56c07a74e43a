#!/usr/bin/env bash
# The process-start floor (issue #15): how long a program takes to start and exit, before it does
# any work, beside what pactoria takes. It shows what part of a short command's time is start-up
# and where that start-up goes:
#
#   /bin/true                       the kernel's exec and exit
#   C program linked to libgit2     the shared libraries libgit2 brings (Debian's libgit2 1.5:
#                                   mbedTLS, libssh2, libcrypto, PCRE2, http-parser, zlib...)
#   ... that calls git_libgit2_init what every libgit2 program must do first: Debian's build
#                                   parses the system CA bundle with mbedTLS there (its compiled-in
#                                   certificate location; no option or variable turns it off)
#   ... and links libcurl           what linking libcurl as well would add (its TLS, LDAP,
#                                   Kerberos, SSH, HTTP/2 and IDN tree); pactoria loads libcurl on
#                                   first HTTP request instead (Sources/CCurl/shim.h)
#   git --version, pactoria --version
#
#   bench/startup.sh [BIN] [RUNS]     (BIN: default .build/release/pactoria; RUNS: default 40)
#
# Prints the median wall time of RUNS runs of each (after one warm-up). Needs a C compiler (cc).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../.build/release/pactoria}
runs=${2:-40}
[[ -x $bin ]] || { echo "startup.sh: no pactoria binary at $bin (build it: swift build -c release)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/floor.c" <<'C'
#include <git2.h>
#ifdef WITH_CURL
#include <curl/curl.h>
#endif
int main(void) {
#ifdef NO_INIT
    return git_libgit2_version(0, 0, 0);
#endif
    git_libgit2_init();
#ifdef WITH_CURL
    curl_global_init(CURL_GLOBAL_DEFAULT);
#endif
    return 0;
}
C
cc -O2 -DNO_INIT -o "$work/floor-git2-load" "$work/floor.c" -lgit2
cc -O2 -o "$work/floor-git2" "$work/floor.c" -lgit2
cc -O2 -DWITH_CURL -o "$work/floor-git2-curl" "$work/floor.c" -lgit2 -lcurl
python3 - "$runs" "/bin/true" "$work/floor-git2-load" "$work/floor-git2" "$work/floor-git2-curl" "git --version" \
  "$bin --version" <<'PY'
import shlex, statistics, subprocess, sys, time
runs = int(sys.argv[1])
labels = ["/bin/true", "C program linked to libgit2", "... that calls git_libgit2_init()",
          "... and links libcurl too", "git --version", "pactoria --version"]
print(f"{'start-up floor (median of %d)' % runs:<44} {'ms':>7}")
for label, cmd in zip(labels, sys.argv[2:]):
    argv = shlex.split(cmd)
    def once():
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return (time.perf_counter() - t) * 1000
    once()
    print(f"{label:<44} {statistics.median(once() for _ in range(runs)):7.2f}")
PY
