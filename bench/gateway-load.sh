#!/usr/bin/env bash
# The gateway's load harness (issue 6, "Speed"): one run, one machine, three targets serving the same
# request from the same upstream:
#
#   direct   wrk -> upstream                                 (plain HTTP on loopback)
#   nginx    wrk -> nginx, TLS reverse proxy -> upstream      (keep-alive upstream connections)
#   gateway  wrk -> `portcullis serve --demo` gateway listener, TLS (demo CA), default policy pack,
#            ledger durability on -> upstream
#
# The upstream is a second nginx serving fixed Salesforce-shaped answers from files: a ~2 KB REST query
# result of Accounts for GET /services/data/v62.0/query?q=…, a record for GET …/sobjects/Account/<id>,
# and the big file of the streaming run. The demo's simulated prod org answers its JWT bearer logins
# with this upstream as `instance_url` (`serve --demo --orgsim-instance-url prod=URL`), so the gateway
# forwards the sessions' calls there: the session, its Salesforce token and the decision are real.
#
# For each target: a warm-up, then the maximum throughput (wrk, fixed connection count), then (after
# all three maxima) a constant-rate run at half of the gateway's maximum for each target (h2load --rps,
# HTTP/1.1; Debian has no wrk2). Optional HTTP/2 rows (h2load) for nginx and the gateway. Then the
# streaming run: a big file (1 GB by default) fetched through the gateway with curl while the server's
# RSS is sampled every 0.5 s. Prints one table; see docs/PERFORMANCE.md, "Gateway load", for the
# columns. CPU per request is the target process's CPU time (utime + stime from /proc/PID/stat, nginx:
# master and workers; direct: the upstream nginx) over the requests answered; RSS is VmRSS after the
# run and VmHWM (peak since start), summed over nginx's processes.
#
# Usage: bench/gateway-load.sh [options]
#   --duration S        seconds of each measured run (default 30)
#   --warmup S          seconds of the warm-up before each target's maximum (default 30: the gateway's JIT needs it;
#                       after 10 s it still served a third of its later rate)
#   --connections N     wrk connections for the maximum (default 32); --threads N wrk threads (default 2)
#   --rate R            constant rate in requests/s (default: half of the gateway's measured maximum)
#   --rate-clients N    h2load connections sharing the constant rate (default 32)
#   --path PATH         the request measured (default /services/data/v62.0/query?q=SELECT+Id,Name+FROM+Account)
#   --big-path PATH     the streaming run's request (default a Bulk 2.0 query job's results,
#                       /services/data/v62.0/jobs/query/750Dn00000AbCdE/results, served as CSV); when the
#                       gateway does not classify it (403), the script says so and streams
#                       /services/data/v62.0/sobjects/Account/001Dn00000AbCdE instead (JSON, redacted)
#   --big-bytes N       size of the big file (default 1073741824); --no-big skips the streaming run
#   --h2                also measure HTTP/2 (h2load) against nginx and the gateway
#   --batch-wait D      ledger.batch_wait for the server (default: the server's default, 0ms)
#   --only direct,nginx,gateway   measure only these targets (default all three); --only stream: only
#                       the streaming run; add "jetty" (e.g. --only direct,nginx,jetty,gateway) for the floor:
#                       Jetty's own ProxyHandler.Reverse over TLS with the gateway's connector set-up and
#                       nothing of Portcullis (bench/.../BareJettyProxy.java; needs bench/target/benchmarks.jar)
#   --keep              keep the work directory (logs, configs) and print where it is
#   --hold              set everything up, check it, then wait for Ctrl-C instead of measuring (for
#                       profiling by hand: prints the URLs and the file holding a session token)
#
# Installs nginx, wrk and nghttp2-client (h2load) with apt-get when they are missing (says so). Runs
# everything on loopback; the machine should be otherwise idle for figures worth recording.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
here="$root/bench"

duration=30 warmup=30 connections=32 threads=2 rate="" rate_clients=32
path='/services/data/v62.0/query?q=SELECT+Id,Name+FROM+Account'
big_path='/services/data/v62.0/jobs/query/750Dn00000AbCdE/results'
fallback_big_path='/services/data/v62.0/sobjects/Account/001Dn00000BigAA' # not the record location's id
big_bytes=1073741824 big=1 h2=0 batch_wait="" only="direct,nginx,gateway" keep=0 hold=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --rate-clients) rate_clients="$2"; shift ;;
    --path) path="$2"; shift ;;
    --big-path) big_path="$2"; fallback_big_path=""; shift ;;
    --big-bytes) big_bytes="$2"; shift ;;
    --no-big) big=0 ;;
    --h2) h2=1 ;;
    --batch-wait) batch_wait="$2"; shift ;;
    --only) only="$2"; shift ;;
    --keep) keep=1 ;;
    --hold) hold=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "gateway-load: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case ",$only," in
  ,stream,) big=1 ;;
  *,gateway,*) ;;
  *) [ -n "$rate" ] || { echo "gateway-load: --only without gateway needs --rate R" >&2; exit 2; } ;;
esac

# ---------------------------------------------------------------- tools
missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "gateway-load: installing ${missing[*]} with apt-get" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || { echo "gateway-load: could not install ${missing[*]}; install them and run again" >&2; exit 4; }
fi
files() { python3 "$here/gateway-load-files.py" "$@"; }

PORTCULLIS_LAUNCHER_LIB=1 . ./portcullis
portcullis_find_jdk
if portcullis_jar_stale; then portcullis_build; fi
portcullis_train_aot
portcullis_startup_opts
jar="$portcullis_jar"

work=$(mktemp -d "${TMPDIR:-/tmp}/portcullis-gateway-load.XXXXXX")
pids=()
cleanup() { # the server first: it revokes its sessions' tokens at the upstream as it stops
  local pid i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$keep" = 1 ]; then echo "gateway-load: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
mkdir -p "$work/www" "$work/upstream/logs" "$work/proxy/logs"
chmod go+x "$work" && chmod go+rx "$work/www" # nginx's workers run as another user when started as root
files bodies "$work/www"
read -r upstream_port proxy_port jetty_port < <(files free-ports 3)
upstream="http://127.0.0.1:$upstream_port"
clk_tck=$(getconf CLK_TCK)

# ---------------------------------------------------------------- processes and their figures
cpu_ticks() { # utime + stime of each pid given, summed
  local pid total=0 stat
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }          # fields after "pid (comm) "
    set -- $stat
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}
status_kib() { # FIELD pid...: VmRSS or VmHWM summed, KiB
  local field="$1" pid total=0 v; shift
  for pid in "$@"; do
    v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/status" 2>/dev/null) || v=0
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
nginx_pids() { echo "$1" $(pgrep -P "$1" || true); }

start_nginx() { # NAME CONF: starts nginx (not daemonized) in the background; its master's pid in started_pid
  local name="$1" conf="$2" pid
  nginx -p "$work/$name" -c "$conf" -e "$work/$name/logs/error.log" >"$work/$name/logs/stdout" 2>&1 &
  pid=$!
  pids+=("$pid")
  started_pid=$pid
  for _ in $(seq 1 100); do
    [ -n "$(pgrep -P "$pid" || true)" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "gateway-load: nginx ($name) did not start:" >&2; cat "$work/$name/logs/error.log" >&2; exit 4; }
    sleep 0.05
  done
}

# ---------------------------------------------------------------- the upstream
big_file="$work/www/big"
big_type=csv
case "$big_path" in *\?*) ;; */jobs/query/*/results) big_type=csv ;; *) big_type=json ;; esac
# The streaming run's locations are there from the start: a reload later would leave the keep-alive
# connections the gateway's and nginx's clients hold to the old worker on the old configuration.
big_locations="    location = ${big_path%%\?*} { default_type $( [ "$big_type" = csv ] && echo text/csv || echo application/json); try_files /big.$big_type =404; }"
if [ -n "$fallback_big_path" ]; then
  big_locations="$big_locations
    location = ${fallback_big_path%%\?*} { default_type application/json; try_files /big.json =404; }"
fi
cat >"$work/upstream/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $work/upstream/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 1000000; keepalive_timeout 120s;
  open_file_cache max=100 inactive=1h; open_file_cache_valid 1h;
  server {
    listen 127.0.0.1:$upstream_port;
    root $work/www;
    default_type application/json;
    location ~ ^/services/data/v[0-9.]+/query\$ { try_files /query.json =404; }
    location ~ ^/services/data/v[0-9.]+/sobjects/Account/001[A-Za-z0-9]+\$ { try_files /record.json =404; }
    location = /services/oauth2/revoke { return 200; } # the broker revokes its tokens at shutdown
$big_locations
    location /services/ { return 404 '[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]'; }
  }
}
EOF
upstream_conf="$work/upstream/nginx.conf"
start_nginx upstream "$upstream_conf"
upstream_pid=$started_pid

# ---------------------------------------------------------------- the gateway
data="$work/data"
demo_args=(serve --demo --data-dir "$data" --admin-port 0 --gateway-port 0 --orgsim-port 0 --orgsim-instance-url "prod=$upstream")
if [ -n "$batch_wait" ]; then
  # The demo writes its configuration at the first start: let `orgsim --exit` write it, then set the ledger.
  "$JAVA_HOME/bin/java" -jar "$jar" orgsim --data-dir "$data" --port 0 --exit >"$work/orgsim-prepare.log" 2>&1
  printf '\nledger:\n  batch_wait: %s\n' "$batch_wait" >>"$data/portcullis.yaml"
fi
"$JAVA_HOME/bin/java" "${portcullis_jvm_opts[@]}" ${PORTCULLIS_JAVA_OPTS:-} -jar "$jar" "${demo_args[@]}" \
  >"$work/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 1 600); do
  [ -s "$data/endpoints.json" ] && grep -q token_url "$data/endpoints.json" && break
  kill -0 "$server_pid" 2>/dev/null || { echo "gateway-load: the server exited; log:" >&2; tail -50 "$work/server.log" >&2; exit 4; }
  sleep 0.1
done
endpoint() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$data/endpoints.json" "$1"; }
gateway=$(endpoint gateway_url)
ca=$(endpoint ca_cert)
ledger_mode=$(python3 - "$data/portcullis.yaml" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"^ledger:\s*\n((?:[ \t]+.*\n?)*)", text, re.M)
section = m.group(1) if m else ""
backend = re.search(r"backend:\s*(\S+)", section)
wait = re.search(r"batch_wait:\s*(\S+)", section)
print("%s backend, write-ahead log fdatasynced per batch; batch_wait %s" % (
    backend.group(1) if backend else "filesystem", wait.group(1) + " (set)" if wait else "0ms (default)"))
EOF
)

session() { # a fresh session (api:read on prod, or the scopes given), the way a pipeline gets one; prints the token
  local idt scopes=() s
  for s in ${1:-api:read}; do scopes+=(--scope "$s"); done
  idt=$("$JAVA_HOME/bin/java" -jar "$jar" demo ci-token --issuer github --data-dir "$data" 2>>"$work/login.log")
  PORTCULLIS_ID_TOKEN="$idt" "$JAVA_HOME/bin/java" -jar "$jar" login --org prod "${scopes[@]}" --data-dir "$data" \
    --format json 2>>"$work/login.log" | python3 -c "import json,sys; print(json.load(sys.stdin)['access_token'])"
}

# ---------------------------------------------------------------- nginx as a TLS reverse proxy
cat >"$work/proxy/nginx.conf" <<EOF
daemon off;
worker_processes auto;
worker_cpu_affinity auto;
pid $work/proxy/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  tcp_nodelay on;
  keepalive_requests 1000000; keepalive_timeout 120s;
  upstream salesforce { server 127.0.0.1:$upstream_port; keepalive 128; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$proxy_port ssl http2;
    ssl_certificate $data/demo/server.pem;
    ssl_certificate_key $data/demo/server-key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:tls:1m;
    location / {
      proxy_pass http://salesforce;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
    }
  }
}
EOF
start_nginx proxy "$work/proxy/nginx.conf"
proxy_pid=$started_pid

# ---------------------------------------------------------------- the floor: Jetty's bare reverse proxy
jetty_pid=""
case ",$only," in
  *,jetty,*)
    bench_jar="$here/target/benchmarks.jar"
    [ -f "$bench_jar" ] || { echo "gateway-load: the jetty target needs $bench_jar (mvn -q -pl bench -am package -DskipTests)" >&2; exit 2; }
    "$JAVA_HOME/bin/java" ${PORTCULLIS_JAVA_OPTS:-} -cp "$bench_jar" dev.portcullis.bench.BareJettyProxy "$jetty_port" "$upstream" \
      "$data/demo/server.pem" "$data/demo/server-key.pem" >"$work/jetty.log" 2>&1 &
    jetty_pid=$!
    pids+=("$jetty_pid")
    for _ in $(seq 1 200); do
      grep -q '^listening' "$work/jetty.log" 2>/dev/null && break
      kill -0 "$jetty_pid" 2>/dev/null || { echo "gateway-load: the bare Jetty proxy exited:" >&2; cat "$work/jetty.log" >&2; exit 4; }
      sleep 0.05
    done
    ;;
esac

declare -A url pids_of
url[direct]="$upstream"; url[nginx]="https://127.0.0.1:$proxy_port"; url[gateway]="$gateway"
url[jetty]="https://127.0.0.1:$jetty_port"
target_pids() {
  case "$1" in
    direct) nginx_pids "$upstream_pid" ;;
    nginx) nginx_pids "$proxy_pid" ;;
    jetty) echo "$jetty_pid" ;;
    gateway) echo "$server_pid" ;;
  esac
}
token_for() { if [ "$1" = gateway ]; then session; else echo ""; fi; }

# Every target must answer the measured request with the upstream's 200 before anything is measured.
check() { # TARGET TOKEN
  local code
  code=$(curl -sS --cacert "$ca" -o "$work/check-$1.out" -w '%{http_code}' \
    ${2:+-H "Authorization: Bearer $2"} "${url[$1]}$path") || code="curl failed"
  if [ "$code" != 200 ]; then
    echo "gateway-load: $1 answered $code to GET $path: $(head -c 400 "$work/check-$1.out" 2>/dev/null)" >&2
    [ "$1" = gateway ] && tail -20 "$work/server.log" >&2
    exit 1
  fi
}

declare -A result
measure() { # LABEL TARGET KIND(max|rate|h2) : runs the load, stores "rps p50 p99 p999 cpu_ms rss hwm errors"
  local label="$1" target="$2" kind="$3" tok out cpu0 cpu1 ps line file="${1//[^A-Za-z0-9]/_}"
  tok=$(token_for "$target")
  check "$target" "$tok"
  read -r -a ps <<<"$(target_pids "$target")"
  cpu0=$(cpu_ticks "${ps[@]}")
  case "$kind" in
    max)
      out=$(PORTCULLIS_BENCH_TOKEN="$tok" wrk -t "$threads" -c "$connections" -d "${duration}s" --timeout 10s \
        -s "$here/gateway-load.lua" "${url[$target]}$path")
      ;;
    rate|h2)
      local per_client proto=(--h1) clients="$rate_clients" streams=1
      if [ "$kind" = h2 ]; then proto=(); clients=4; streams=32; fi
      rm -f "$work/h2load.log"
      # h2load takes headers only on its command line: the token (a 15-minute api:read session of the demo's
      # simulated org) is visible to `ps` on this machine while it runs.
      if [ "$kind" = rate ]; then
        per_client=$(python3 -c "print('%.3f' % ($rate / $clients))")
        h2load "${proto[@]}" -c "$clients" -m "$streams" --rps "$per_client" -D "$duration" \
          --log-file "$work/h2load.log" ${tok:+-H "authorization: Bearer $tok"} "${url[$target]}$path" \
          >"$work/h2load-$file.out" 2>&1
      else
        h2load -c "$clients" -m "$streams" -t 1 -D "$duration" \
          --log-file "$work/h2load.log" ${tok:+-H "authorization: Bearer $tok"} "${url[$target]}$path" \
          >"$work/h2load-$file.out" 2>&1
      fi
      out=$(files h2load-log "$work/h2load.log")
      ;;
  esac
  cpu1=$(cpu_ticks "${ps[@]}")
  line=$(grep '^RESULT' <<<"$out") || { echo "gateway-load: $label: no result from the load generator:" >&2; echo "$out" >&2; exit 1; }
  python3 - "$line" "$((cpu1 - cpu0))" "$clk_tck" "$(status_kib VmRSS "${ps[@]}")" "$(status_kib VmHWM "${ps[@]}")" \
    >"$work/result-$file" <<'EOF'
import sys
f = dict(kv.split("=") for kv in sys.argv[1].split()[1:])
ticks, hz, rss, hwm = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
n = int(f["requests"])
seconds = int(f["duration_us"]) / 1e6
errors = int(f["non2xx"]) + int(f["socket_errors"])
print("%.0f %.2f %.2f %.2f %.3f %.0f %.0f %d" % (n / seconds if seconds else 0, int(f["p50_us"]) / 1000,
      int(f["p99_us"]) / 1000, int(f["p999_us"]) / 1000, (ticks * 1000.0 / hz) / n if n else 0, rss / 1024,
      hwm / 1024, errors))
EOF
  result[$label]=$(cat "$work/result-$file")
  echo "gateway-load: $label: ${result[$label]}   (rps p50 p99 p99.9 ms, CPU ms/req, RSS HWM MiB, errors)" >&2
}

warm() { # TARGET: a short unmeasured run
  local tok
  tok=$(token_for "$1")
  check "$1" "$tok"
  PORTCULLIS_BENCH_TOKEN="$tok" wrk -t "$threads" -c "$connections" -d "${warmup}s" -s "$here/gateway-load.lua" \
    "${url[$1]}$path" >/dev/null
}

targets=()
[ "$only" = stream ] || IFS=, read -r -a targets <<<"$only"
echo "gateway-load: upstream $upstream, nginx ${url[nginx]}, gateway $gateway; ledger: $ledger_mode" >&2
if [ "$hold" = 1 ]; then
  (umask 077; session >"$work/session-token")
  for t in direct nginx; do check "$t" ""; done
  [ -z "$jetty_pid" ] || check jetty ""
  check gateway "$(cat "$work/session-token")"
  echo "gateway-load: holding (Ctrl-C stops). Server pid $server_pid, log $work/server.log; a session token (api:read on prod, 15 min)" \
    "is in $work/session-token; demo CA $ca; e.g.: PORTCULLIS_BENCH_TOKEN=\$(cat $work/session-token) wrk -c 4 -d 10s" \
    "-s $here/gateway-load.lua '$gateway$path'" >&2
  wait "$server_pid"
  exit 0
fi
for t in "${targets[@]}"; do
  warm "$t"
  measure "$t max" "$t" max
done
if [ ${#targets[@]} -gt 0 ]; then
  if [ -z "$rate" ]; then
    rate=$(python3 -c "print(int(float('${result[gateway max]}'.split()[0]) / 2))")
  fi
  for t in "${targets[@]}"; do
    measure "$t @${rate}/s" "$t" rate
  done
  if [ "$h2" = 1 ]; then
    for t in "${targets[@]}"; do
      [ "$t" = direct ] && continue
      measure "$t h2 max" "$t" h2
    done
  fi
fi

# ---------------------------------------------------------------- the streaming run
stream_line=""
stream_note=""
if [ "$big" = 1 ]; then
  stream_once() { # PATH TYPE: writes the big file the upstream serves at PATH (its location is configured), streams it, sets stream_*
    local type="$2" tok idle max=0 sampler code
    files big "$big_file.$type" "$big_bytes" "$type"
    tok=$(session "api:read bulk") # a Bulk download needs the bulk scope (default pack)
    idle=$(status_kib VmRSS "$server_pid")
    : >"$work/rss-samples"
    (while :; do status_kib VmRSS "$server_pid" >>"$work/rss-samples"; sleep 0.5; done) &
    sampler=$!
    code=$(curl -sS --cacert "$ca" -H "Authorization: Bearer $tok" -o /dev/null \
      -w '%{http_code} %{size_download} %{speed_download} %{time_total}' "$gateway$1" 2>"$work/stream.err") || true
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    max=$(sort -n "$work/rss-samples" | tail -1)
    stream_code=${code%% *}
    read -r _ size speed seconds <<<"$code"
    stream_line=$(printf '%s through the gateway: HTTP %s, %s bytes in %s s (%.0f MB/s); server RSS idle %d MiB, max %d MiB (%d samples every 0.5 s)' \
      "$1" "$stream_code" "${size:-0}" "${seconds:-0}" "$(python3 -c "print(${speed:-0}/1e6)")" "$((idle / 1024))" \
      "$((${max:-0} / 1024))" "$(wc -l <"$work/rss-samples")")
    rm -f "$big_file.$type"
  }
  # The default pack refuses Bulk result downloads to principals whose answers are redacted (a CSV
  # result cannot be redacted: docs/GATEWAY.md); list the demo CI principal in unredacted_principals
  # for this run, as an installation would for a pipeline that exports data.
  ci_subject=$("$JAVA_HOME/bin/java" -jar "$jar" demo ci-token --issuer github --data-dir "$data" 2>>"$work/login.log" \
    | python3 -c "import base64,json,sys; p=sys.stdin.read().split('.')[1]; print(json.loads(base64.urlsafe_b64decode(p+'='*(-len(p)%4)))['sub'])")
  sed -i "s|^  unredacted_principals: \[\]|  unredacted_principals: [\"$ci_subject\"]|" "$data/policies/params.yaml"
  sleep 4 # the server polls its policy directory every 2 s (broker.policy_poll_interval)
  stream_once "$big_path" "$big_type"
  if [ "$stream_code" = 403 ] && [ -n "$fallback_big_path" ]; then
    stream_note="$big_path was refused (403: see the server log and the ledger's gateway.decision for why); streamed $fallback_big_path (a JSON answer the gateway filters as it streams) instead"
    stream_once "$fallback_big_path" json
  fi
fi

# ---------------------------------------------------------------- the table
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), JDK $(portcullis_jdk_version "$JAVA_HOME"), nginx $(nginx -v 2>&1 | sed 's|.*/||'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), h2load $(h2load --version | sed -n 's/.*nghttp2\/\([0-9.]*\).*/\1/p')"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) at the end; request: GET $path; $duration s per run, wrk -t $threads -c $connections; constant rate: h2load --h1, $rate_clients connections"
echo "gateway: default policy pack, session api:read on prod; ledger: $ledger_mode"
# The floor of any durable-before-forwarding design: one fdatasync of a small write on the disk the ledger is on
# (each forwarded request waits for its decision's write-ahead-log record to be fdatasynced; docs/PERFORMANCE.md).
python3 - "$data" <<'EOF2'
import os, sys, time
path = os.path.join(sys.argv[1], "fdatasync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
os.pwrite(fd, b"\0" * (512 * 400), 0); os.fsync(fd)   # allocated first, as the write-ahead log is preallocated
times = []
for i in range(400):
    os.pwrite(fd, b"x" * 512, i * 512)
    t = time.perf_counter(); os.fdatasync(fd); times.append(time.perf_counter() - t)
os.close(fd); os.unlink(path)
times.sort()
print("disk: fdatasync of a 512-byte write to a preallocated file, 400 times: p50 %.2f ms, p99 %.2f ms"
      % (times[200] * 1e3, times[396] * 1e3))
EOF2
echo
[ ${#targets[@]} -gt 0 ] && printf '| %-20s | %9s | %8s | %8s | %8s | %12s | %8s | %8s | %6s |\n' target "req/s" "p50 ms" "p99 ms" "p99.9 ms" "CPU ms/req" "RSS MiB" "HWM MiB" errors
[ ${#targets[@]} -gt 0 ] && printf '|%s|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|\n' ---------------------- ---------- --------- --------- --------- ------------- --------- --------- -------
print_row() { # LABEL
  local r
  read -r -a r <<<"${result[$1]}"
  printf '| %-20s | %9s | %8s | %8s | %8s | %12s | %8s | %8s | %6s |\n' "$1" "${r[0]}" "${r[1]}" "${r[2]}" "${r[3]}" "${r[4]}" "${r[5]}" "${r[6]}" "${r[7]}"
}
for t in "${targets[@]}"; do print_row "$t max"; done
for t in "${targets[@]}"; do print_row "$t @${rate}/s"; done
if [ "$h2" = 1 ]; then for t in "${targets[@]}"; do [ "$t" = direct ] || print_row "$t h2 max"; done; fi
if [ -n "${result[direct @${rate}/s]:-}" ]; then
  python3 - "${result[direct @${rate}/s]}" "${result[nginx @${rate}/s]:-}" "${result[gateway @${rate}/s]:-}" \
    "${result[nginx max]:-}" "${result[gateway max]:-}" <<'EOF'
import sys
def f(s): return [float(x) for x in s.split()] if s else None
direct, nginx, gateway, nginx_max, gateway_max = (f(s) for s in sys.argv[1:6])
print()
for name, row in (("nginx", nginx), ("gateway", gateway)):
    if row:
        print("added latency at the constant rate, %s over direct: p50 %+.2f ms, p99 %+.2f ms" % (name, row[1] - direct[1], row[2] - direct[2]))
if gateway and direct:
    print("targets: gateway p50 added <= 1 ms: %s; p99 added <= 3 ms: %s" % (
        "met" if gateway[1] - direct[1] <= 1 else "NOT met", "met" if gateway[2] - direct[2] <= 3 else "NOT met"))
if nginx_max and gateway_max:
    ratio = gateway_max[0] / nginx_max[0]
    print("throughput: gateway / nginx = %.2f (target >= 0.5: %s)" % (ratio, "met" if ratio >= 0.5 else "NOT met"))
EOF
fi
if [ -n "$stream_line" ]; then
  echo
  echo "streaming: $stream_line"
  [ -z "$stream_note" ] || echo "note: $stream_note"
fi
