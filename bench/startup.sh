#!/usr/bin/env bash
# Cold start and idle memory of `portcullis serve --demo`.
#
# For each run: start the server on a fresh (or, for warm runs, an already bootstrapped) data
# directory with every port picked free, measure the wall time from exec to the first 200 from
# /readyz (found through DATA_DIR/endpoints.json), then let it idle and read its resident set size
# (VmRSS) from /proc. Prints one line per run and a summary line. Loopback only.
#
# Usage: bench/startup.sh [RUNS] [IDLE_SECONDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-5}"
idle="${2:-10}"
PORTCULLIS_LAUNCHER_LIB=1 . ./portcullis
portcullis_find_jdk
if portcullis_jar_stale; then portcullis_build; fi
portcullis_train_aot # JDK 25+, when the AOT cache is missing or older than the jar
jar="$portcullis_jar"
portcullis_startup_opts # the launcher's: AOT cache (JDK 25+) or dynamic CDS archive

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }

run_once() { # $1 = data dir, $2 = label
  local dir="$1" label="$2" start ready pid url rss
  rm -f "$dir/endpoints.json"
  start=$(now_ms)
  "$JAVA_HOME/bin/java" "${portcullis_jvm_opts[@]}" ${PORTCULLIS_JAVA_OPTS:-} -jar "$jar" serve --demo --data-dir "$dir" --admin-port 0 --gateway-port 0 --orgsim-port 0 \
    >"$dir.log" 2>&1 &
  pid=$!
  url=""
  for _ in $(seq 1 3000); do
    if [ -z "$url" ] && [ -f "$dir/endpoints.json" ]; then
      url=$(sed -n 's/.*"admin_url" *: *"\([^"]*\)".*/\1/p' "$dir/endpoints.json")
    fi
    if [ -n "$url" ] && curl -fsS -o /dev/null "$url/readyz" 2>/dev/null; then break; fi
    kill -0 "$pid" 2>/dev/null || { echo "server exited early; log:"; cat "$dir.log"; exit 1; }
    sleep 0.005
  done
  ready=$(now_ms)
  sleep "$idle"
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  echo "$label start_to_ready_ms=$((ready - start)) idle_rss_mib=$((rss / 1024))"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), JDK $(portcullis_jdk_version "$JAVA_HOME"), ${portcullis_jvm_opts[0]%%=*}"
run_once "$work/first" "first-start(bootstrap)" 
for i in $(seq 1 "$runs"); do
  run_once "$work/first" "warm-start#$i"
done
