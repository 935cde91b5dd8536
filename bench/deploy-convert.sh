#!/usr/bin/env bash
# Source-to-Metadata-API conversion of a large project, side by side: `portcullis deploy convert`
# against `sf project convert source` (the Salesforce CLI from npm, installed as compat/common.sh does)
# on the same generated project, end to end (process start to exit, output written).
#
# For each of RUNS rounds: convert with sf, then with Portcullis as users run it (`./portcullis`, the
# launcher: its JVM options for one-shot commands and, on JDK 25+, its AOT cache for `deploy` commands),
# then with plain `java -jar` (no cache, default JVM options, PORTCULLIS_JAVA_OPTS added), each into a
# fresh output directory, then copy the source files with a plain script (the file-system floor); print
# the times; then check the outputs are equivalent (compat/compare-mdapi.py) and print the median of each
# and the ratios. The project is made by bench/deploy-convert-project.py.
#
# Usage: bench/deploy-convert.sh [COMPONENTS] [RUNS]     (default 10000 components, 3 runs)
# Env:   JAVA, JAR (the plain run's), PORTCULLIS_COMPAT_CACHE, INSTALL=1 as compat/common.sh; PORTCULLIS_JAVA_OPTS for both
#        Portcullis runs. The jar is cli/target/portcullis.jar, which must be newer than the sources.
set -uo pipefail
components="${1:-10000}"
runs="${2:-3}"
WORK_PREFIX=portcullis-bench-convert
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../compat" && pwd)/common.sh"
trap 'rm -rf "$WORK"' EXIT
[[ -f $JAR ]] || { echo "no jar at $JAR: build it first (./portcullis --version, or mvn -pl cli -am package)"; exit 2; }
# The launcher runs the same JDK; it must not rebuild the jar while it is being timed.
export PORTCULLIS_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA")")")
PORTCULLIS_LAUNCHER_LIB=1 . "$ROOT/portcullis"
set +e +o pipefail
if portcullis_jar_stale; then echo "$JAR is older than the sources: rebuild it first (mvn -o -q -pl cli -am package -DskipTests)"; exit 2; fi
# One untimed run of the launcher on a small project: it records the `deploy` AOT cache when missing (JDK 25+).
"$ROOT/portcullis" deploy convert --project "$ROOT/deploy/src/test/resources/projects/dreamhouse-lwc" \
  --output-dir "$WORK/warm-up" >/dev/null || { echo "the launcher failed"; exit 1; }

project=$WORK/project
made=$(python3 "$ROOT/bench/deploy-convert-project.py" "$project" "$components")
files=$(find "$project/force-app" -type f | wc -l)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); $("$JAVA" -version 2>&1 | head -1); sf $(sf --version | cut -d' ' -f1)"
echo "project: $made components in $files source files"

# Each command is timed by bash's `time`: wall (real) and CPU (user + sys, children included). On a
# shared machine the wall time swings with the load from other processes; CPU time much less, so both
# are printed, with the load average before each run.
TIMEFORMAT='%R %U %S'
timed() { # timed LOG cmd... : prints "wall_ms cpu_ms"
  local log=$1; shift
  local t
  t=$( { time "$@" >"$log" 2>&1; } 2>&1 ) || { echo "failed: $*" >&2; tail -5 "$log" >&2; exit 1; }
  awk -v t="$t" 'BEGIN {split(t, a, " "); printf "%d %d", a[1] * 1000, (a[2] + a[3]) * 1000}'
}
# The floor: reading every source file and writing it to a new tree, nothing else (Python, one process).
# Creating ~14,000 files costs seconds of kernel time on some file systems; neither tool can go below it.
copy_files() { python3 -c 'import os, sys
src, dst = sys.argv[1], sys.argv[2]
for d, _, names in os.walk(src):
    for n in names:
        p = os.path.join(d, n); q = os.path.join(dst, os.path.relpath(p, src))
        os.makedirs(os.path.dirname(q), exist_ok=True)
        with open(p, "rb") as i, open(q, "wb") as o: o.write(i.read())' "$@"; }
sf_wall=(); pc_wall=(); plain_wall=(); sf_cpu=(); pc_cpu=(); plain_cpu=(); floor_wall=()
# Every round writes into directories of its own, all deleted at the end, not before the next round: on
# ext4 without a journal (as on the VM measured) a new inode skips those deleted in the last 60 s or more
# (recently_deleted() in fs/ext4/ialloc.c), so deleting ~60,000 files just before would make every tool's
# file creation pay for the benchmark's own clean-up.
for i in $(seq 1 "$runs"); do
  out=$WORK/round-$i
  mkdir -p "$out"
  load=$(cut -d' ' -f1 /proc/loadavg)
  cd "$project"
  read -r w c < <(timed "$WORK/sf.log" sf project convert source --source-dir force-app --output-dir "$out/sf")
  [[ -n ${w:-} ]] || exit 1
  sf_wall+=("$w"); sf_cpu+=("$c")
  read -r w c < <(timed "$WORK/pc.log" "$ROOT/portcullis" deploy convert \
    --source-dir "$project/force-app" --output-dir "$out/pc")
  [[ -n ${w:-} ]] || exit 1
  pc_wall+=("$w"); pc_cpu+=("$c")
  read -r w c < <(timed "$WORK/plain.log" "$JAVA" ${PORTCULLIS_JAVA_OPTS:-} -jar "$JAR" deploy convert \
    --source-dir "$project/force-app" --output-dir "$out/plain")
  [[ -n ${w:-} ]] || exit 1
  plain_wall+=("$w"); plain_cpu+=("$c")
  read -r w c < <(timed "$WORK/copy.log" copy_files "$project/force-app" "$out/copy")
  floor_wall+=("$w")
  cd "$ROOT"
  echo "run $i (load $load): sf ${sf_wall[-1]} ms wall, ${sf_cpu[-1]} ms CPU; portcullis ${pc_wall[-1]} ms wall, ${pc_cpu[-1]} ms CPU; plain java -jar ${plain_wall[-1]} ms wall, ${plain_cpu[-1]} ms CPU; plain copy $w ms wall"
done
python3 "$ROOT/compat/compare-mdapi.py" "$out/sf" "$out/pc" | tail -3
cmp -s <(cd "$out/pc" && find . -type f -exec sha256sum {} + | sort) <(cd "$out/plain" && find . -type f -exec sha256sum {} + | sort) \
  && echo "launcher and plain java -jar outputs: identical" || echo "launcher and plain java -jar outputs DIFFER"
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
sw=$(median "${sf_wall[@]}"); pw=$(median "${pc_wall[@]}"); sc=$(median "${sf_cpu[@]}"); pc=$(median "${pc_cpu[@]}")
jw=$(median "${plain_wall[@]}"); jc=$(median "${plain_cpu[@]}")
echo "median wall: sf $sw ms, portcullis $pw ms (ratio $(ratio "$sw" "$pw")x), plain java -jar $jw ms (ratio $(ratio "$sw" "$jw")x)"
echo "median CPU:  sf $sc ms, portcullis $pc ms (ratio $(ratio "$sc" "$pc")x), plain java -jar $jc ms (ratio $(ratio "$sc" "$jc")x)"
fw=$(median "${floor_wall[@]}")
echo "median plain copy of the source files (the I/O floor): $fw ms; sf/floor $(ratio "$sw" "$fw")x, portcullis/floor $(ratio "$pw" "$fw")x"
