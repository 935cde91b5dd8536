#!/usr/bin/env bash
# Runs the real Salesforce CLI's `sf project convert source` and `portcullis deploy convert` on the
# same projects and compares the outputs with compat/compare-mdapi.py (same paths, package.xml
# members, canonical XML, zip entries). Projects: the fixtures in deploy/src/test/resources/projects
# (whose committed expected/ output this re-creates) and any extra SFDX project directories given.
#
# Usage: compat/deploy-convert.sh [PROJECT_DIR...]
# Env:   JAR (default cli/target/portcullis.jar; build it with ./portcullis or mvn package), JAVA,
#        PORTCULLIS_COMPAT_CACHE, INSTALL=1 — as compat/common.sh. KEEP=0 deletes the work directory.
# Output: "PASS|FAIL convert:<project> <detail>" per project, then "N passed, N failed".
WORK_PREFIX=portcullis-deploy-convert
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
trap '[[ ${KEEP:-1} == 0 ]] && rm -rf "$WORK"' EXIT
[[ -f $JAR ]] || { echo "FAIL setup no jar at $JAR (build it first)"; exit 100; }

projects=("$@")
if [[ ${#projects[@]} == 0 ]]; then
  projects=("$ROOT"/deploy/src/test/resources/projects/*/)
fi
echo "sf: $(sf --version 2>/dev/null)"
for project in "${projects[@]}"; do
  project=${project%/}
  name=$(basename "$project")
  cp -r "$project" "$WORK/$name"   # sf may write into a project (.sf/); keep the fixture clean
  dirs=$(cd "$WORK/$name" && python3 -c "import json;print(' '.join(d['path'] for d in json.load(open('sfdx-project.json'))['packageDirectories']))")
  sd=(); pd=()
  for d in $dirs; do sd+=(--source-dir "$d"); pd+=(--source-dir "$WORK/$name/$d"); done
  cd "$WORK/$name" && run "sf-$name" sf project convert source "${sd[@]}" --output-dir "$WORK/$name.sf"
  cd "$WORK"
  [[ $RC == 0 ]] || { out FAIL "convert:$name" "sf failed: $(tail -3 "$WORK/sf-$name.err")"; continue; }
  run "pc-$name" "$JAVA" -jar "$JAR" deploy convert "${pd[@]}" --output-dir "$WORK/$name.portcullis"
  [[ $RC == 0 ]] || { out FAIL "convert:$name" "portcullis failed: $(tail -3 "$WORK/pc-$name.err")"; continue; }
  if python3 "$HERE/compare-mdapi.py" "$WORK/$name.sf" "$WORK/$name.portcullis" >"$WORK/cmp-$name.txt"; then
    out PASS "convert:$name" "$(tail -1 "$WORK/cmp-$name.txt")"
  else
    out FAIL "convert:$name" "$(head -5 "$WORK/cmp-$name.txt" | tr '\n' ';') $(tail -1 "$WORK/cmp-$name.txt")"
  fi
done
echo "$PASSES passed, $FAILS failed"
exit $(( FAILS > 100 ? 100 : FAILS ))
