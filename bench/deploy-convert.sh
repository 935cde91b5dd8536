#!/usr/bin/env bash
# Source-to-Metadata-API conversion of a large project, side by side: `portcullis deploy convert`
# against `sf project convert source` (the Salesforce CLI from npm, installed as compat/common.sh does)
# on the same generated project, end to end (process start to exit, output written).
#
# For each of RUNS rounds: convert with sf, then with Portcullis, each into a fresh output directory;
# print the wall time of each; then check the two outputs are equivalent (compat/compare-mdapi.py) and
# print the median of each tool and the ratio. The project is made by bench/deploy-convert-project.py.
#
# Usage: bench/deploy-convert.sh [COMPONENTS] [RUNS]     (default 10000 components, 3 runs)
# Env:   JAR (default cli/target/portcullis.jar), JAVA, PORTCULLIS_COMPAT_CACHE, INSTALL=1 as compat/common.sh.
set -uo pipefail
components="${1:-10000}"
runs="${2:-3}"
WORK_PREFIX=portcullis-bench-convert
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../compat" && pwd)/common.sh"
trap 'rm -rf "$WORK"' EXIT
[[ -f $JAR ]] || { echo "no jar at $JAR: build it first (./portcullis --version, or mvn -pl cli -am package)"; exit 2; }

project=$WORK/project
made=$(python3 "$ROOT/bench/deploy-convert-project.py" "$project" "$components")
files=$(find "$project/force-app" -type f | wc -l)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); $("$JAVA" -version 2>&1 | head -1); sf $(sf --version | cut -d' ' -f1)"
echo "project: $made components in $files source files"

now_ms() { date +%s%3N; }
sf_times=(); pc_times=()
for i in $(seq 1 "$runs"); do
  rm -rf "$WORK/out-sf" "$WORK/out-pc"
  t0=$(now_ms)
  (cd "$project" && sf project convert source --source-dir force-app --output-dir "$WORK/out-sf" >"$WORK/sf.log" 2>&1) \
    || { echo "sf failed:"; tail -5 "$WORK/sf.log"; exit 1; }
  t1=$(now_ms)
  "$JAVA" ${PORTCULLIS_JAVA_OPTS:-} -jar "$JAR" deploy convert --source-dir "$project/force-app" --output-dir "$WORK/out-pc" \
    >"$WORK/pc.log" 2>&1 || { echo "portcullis failed:"; tail -5 "$WORK/pc.log"; exit 1; }
  t2=$(now_ms)
  sf_times+=($((t1 - t0))); pc_times+=($((t2 - t1)))
  echo "run $i: sf ${sf_times[-1]} ms, portcullis ${pc_times[-1]} ms"
done
python3 "$ROOT/compat/compare-mdapi.py" "$WORK/out-sf" "$WORK/out-pc" | tail -3
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
sf_med=$(median "${sf_times[@]}"); pc_med=$(median "${pc_times[@]}")
echo "median: sf ${sf_med} ms, portcullis ${pc_med} ms, ratio $(awk -v a="$sf_med" -v b="$pc_med" 'BEGIN {printf "%.1f", a / b}')x"
