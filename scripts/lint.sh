#!/bin/bash
# Static analysis of src/*.c with cppcheck and clang-tidy (Debian 12: cppcheck
# 2.10, clang-tidy 14).  Any finding fails (exit 1).  Usage: scripts/lint.sh
#
# Configuration, committed:
#   .clang-tidy                  the checks and why some are left out
#   CPPCHECK_CHECKS below        cppcheck's classes: warning, performance,
#                                portability (and its errors, always on)
#   scripts/lint-suppressions    findings judged false positives or accepted,
#                                each with its reason; a line matches one
#                                finding by file, check and the text of the
#                                flagged source line, so that it keeps
#                                matching when lines move and stops matching
#                                when the code changes.
# clang-tidy reads compile_commands.json from build-lint/ (configured here with
# clang; nothing is built).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build-lint
CPPCHECK_CHECKS=warning,performance,portability
JOBS=$(nproc)

cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null

OUT=$(mktemp -d /tmp/jifen-lint-XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# One finding per line: FILE:LINE:COL: SEVERITY: MESSAGE [CHECK]
cppcheck --enable="$CPPCHECK_CHECKS" --std=c11 --language=c -D_GNU_SOURCE -Isrc \
	--quiet -j"$JOBS" --error-exitcode=0 --suppress=missingIncludeSystem \
	--template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
	src/*.c 2>"$OUT/cppcheck.txt" || echo "src/: error: cppcheck did not run [cppcheck]" >>"$OUT/cppcheck.txt"

# clang-tidy, one process per file, JOBS at a time; a file that does not
# compile shows as a clang-diagnostic-error finding
ls src/*.c | xargs -P"$JOBS" -I{} sh -c \
	'clang-tidy-14 -p "$1" --quiet "$2" >"$3/tidy.$(basename "$2").txt" 2>&1 || true' \
	sh "$BUILD" {} "$OUT"
cat "$OUT"/tidy.*.txt >"$OUT/tidy.txt"

python3 - "$OUT/cppcheck.txt" "$OUT/tidy.txt" scripts/lint-suppressions "$PWD" <<'EOF'
import os, re, sys

cppcheck, tidy, supfile, root = sys.argv[1:5]
diag = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<col>\d+): "
                  r"(?P<sev>warning|error|style|performance|portability): "
                  r"(?P<msg>.*) \[(?P<check>[^\]]+)\]$")

def source_line(path, n):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for i, text in enumerate(f, 1):
                if i == n:
                    return text.strip()
    except OSError:
        pass
    return ""

# FILE | CHECK | TEXT OF THE FLAGGED LINE | REASON
sups = []
for raw in open(supfile, encoding="utf-8"):
    if not raw.strip() or raw.lstrip().startswith("#"):
        continue
    parts = [p.strip() for p in raw.rstrip("\n").split(" | ")]
    if len(parts) < 4 or not parts[3]:
        sys.exit(f"{supfile}: needs FILE | CHECK | LINE TEXT | REASON: {raw.strip()}")
    sups.append([parts[0], parts[1], parts[2], 0])

found, suppressed = [], 0
seen = set()
for tool, path in (("cppcheck", cppcheck), ("clang-tidy", tidy)):
    for text in open(path, encoding="utf-8", errors="replace"):
        text = re.sub(r"\x1b\[[0-9;]*m", "", text.rstrip("\n"))
        m = diag.match(text)
        if not m:
            continue
        f = os.path.relpath(m["file"], root) if os.path.isabs(m["file"]) else m["file"]
        if not f.startswith("src/"):
            continue  # system headers: not ours
        check = m["check"].replace(",-warnings-as-errors", "")
        key = (f, m["line"], check)
        if key in seen:
            continue  # a header's finding repeats for every file including it
        seen.add(key)
        line = source_line(f, int(m["line"]))
        hit = next((s for s in sups if s[0] == f and s[1] == check and s[2] == line), None)
        if hit:
            hit[3] += 1
            suppressed += 1
            continue
        found.append(f"{f}:{m['line']}:{m['col']}: {m['msg']} [{check}] ({tool})\n    {line}")

for s in sups:
    if not s[3]:
        print(f"note: suppression no longer matches anything (remove it): {s[0]} | {s[1]} | {s[2]}")
for x in found:
    print(x)
print(f"lint: {len(found)} finding(s), {suppressed} suppressed (scripts/lint-suppressions)")
sys.exit(1 if found else 0)
EOF
