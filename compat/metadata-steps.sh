# The Metadata API steps shared by compat/run-clients.sh (against orgsim) and
# compat/run-gateway-clients.sh (through the gateway); sourced after common.sh, not run.
#
# metadata_steps TARGET_ORG INSTANCE_URL TOKEN
#   sf project deploy start --source-dir (SOAP, then REST with SF_ORG_METADATA_REST_DEPLOY=true),
#   sf project deploy start --metadata-dir, sf project retrieve start --metadata, and jsforce
#   metadata.deploy / deployRest / retrieve (compat/js/jsforce-metadata.js). sf runs in a copy of
#   compat/sfdx-project with HOME=${SF_HOME:-$HOME} (the home whose auth files know TARGET_ORG).
#   Request and response shapes: shared/reference/salesforce-clients.md §1.7–1.9 and §2.

# mkzip ZIP DIR: zips the files under DIR (paths relative to DIR), as a client would.
mkzip() {
  python3 - "$1" "$2" <<'EOF'
import os, sys, zipfile
out, root = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            p = os.path.join(d, f)
            z.write(p, os.path.relpath(p, root))
EOF
}

metadata_steps() {
  local org=$1 url=$2 token=$3 home=${SF_HOME:-$HOME}
  local proj=$WORK/proj-$org
  rm -rf "$proj"; cp -r "$HERE/sfdx-project" "$proj"
  local sfrun=(env HOME="$home")
  local mode st id n
  for mode in soap rest; do
    local extra=()
    [[ $mode == rest ]] && extra=(SF_ORG_METADATA_REST_DEPLOY=true)
    run sf-deploy-$mode-$org "${sfrun[@]}" "${extra[@]}" bash -c "cd '$proj' && sf project deploy start --source-dir force-app --target-org $org --wait 5 --json"
    st=$(jget $WORK/sf-deploy-$mode-$org.out "d['result']['status']")
    n=$(jget $WORK/sf-deploy-$mode-$org.out "[f['fullName'] for f in d['result'].get('files', []) if f.get('type') == 'ApexClass']")
    id=$(jget $WORK/sf-deploy-$mode-$org.out "d['result']['id']")
    if [[ $RC == 0 && $st == Succeeded && $n == *SimHello* ]]; then
      out PASS sf-deploy-source-$mode "sf project deploy start --source-dir force-app ($mode): $id status=$st files=$n tests=$(jget $WORK/sf-deploy-$mode-$org.out "d['result'].get('numberTestsCompleted')")"
    else
      out FAIL sf-deploy-source-$mode "exit=$RC$(hang) status=$st $(errmsg $WORK/sf-deploy-$mode-$org.out) $(tail -c 300 $WORK/sf-deploy-$mode-$org.err)"
    fi
  done
  # The REST deploy's id is a deployRequest the REST resource answers for.
  id=$(jget $WORK/sf-deploy-rest-$org.out "d['result']['id']")
  local c
  c=$(curl -s ${NODE_EXTRA_CA_CERTS:+--cacert "$NODE_EXTRA_CA_CERTS"} -o $WORK/deploy-request-$org.out -w '%{http_code}' -H "Authorization: Bearer $token" "$url/services/data/v62.0/metadata/deployRequest/$id?includeDetails=true")
  st=$(jget $WORK/deploy-request-$org.out "d['deployResult']['status']")
  [[ $c == 200 && $st == Succeeded ]] && out PASS deploy-request-status "GET …/metadata/deployRequest/$id -> $c status=$st" \
    || out FAIL deploy-request-status "GET …/metadata/deployRequest/$id -> $c $(head -c 300 $WORK/deploy-request-$org.out)"

  # --metadata-dir: a Metadata API format directory (sf zips it under zip/, singlePackage false).
  local mdapi=$WORK/mdapi-$org
  mkdir -p $mdapi/classes
  printf 'public class SimMdapi {\n}\n' >$mdapi/classes/SimMdapi.cls
  cp "$proj/force-app/main/default/classes/SimHello.cls-meta.xml" $mdapi/classes/SimMdapi.cls-meta.xml
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n    <types>\n        <members>SimMdapi</members>\n        <name>ApexClass</name>\n    </types>\n    <version>62.0</version>\n</Package>\n' >$mdapi/package.xml
  run sf-deploy-mdapi-$org "${sfrun[@]}" bash -c "cd '$proj' && sf project deploy start --metadata-dir '$mdapi' --target-org $org --wait 5 --json"
  st=$(jget $WORK/sf-deploy-mdapi-$org.out "d['result']['status']")
  [[ $RC == 0 && $st == Succeeded ]] && out PASS sf-deploy-metadata-dir "sf project deploy start --metadata-dir: status=$st deployed=$(jget $WORK/sf-deploy-mdapi-$org.out "d['result'].get('numberComponentsDeployed')")" \
    || out FAIL sf-deploy-metadata-dir "exit=$RC$(hang) status=$st $(errmsg $WORK/sf-deploy-mdapi-$org.out) $(tail -c 300 $WORK/sf-deploy-mdapi-$org.err)"

  # Retrieve what was deployed and a class the org was seeded with (so it cannot come from the project).
  rm -f "$proj/force-app/main/default/classes/SimHello.cls" "$proj/force-app/main/default/classes/SimHello.cls-meta.xml"
  run sf-retrieve-$org "${sfrun[@]}" bash -c "cd '$proj' && sf project retrieve start --metadata ApexClass:SimHello --metadata ApexClass:AccountService --target-org $org --wait 5 --json"
  n=$(jget $WORK/sf-retrieve-$org.out "sorted(f['fullName'] for f in d['result'].get('files', []) if f.get('type') == 'ApexClass')")
  if [[ $RC == 0 && $n == *AccountService*SimHello* ]] && grep -q "return 'hi'" "$proj/force-app/main/default/classes/SimHello.cls" 2>/dev/null \
      && grep -q 'class AccountService' "$proj/force-app/main/default/classes/AccountService.cls" 2>/dev/null; then
    out PASS sf-retrieve-metadata "sf project retrieve start --metadata ApexClass:SimHello --metadata ApexClass:AccountService: files=$n written to force-app"
  else
    out FAIL sf-retrieve-metadata "exit=$RC$(hang) files=$n $(errmsg $WORK/sf-retrieve-$org.out) $(tail -c 300 $WORK/sf-retrieve-$org.err)"
  fi

  # jsforce: a singlePackage zip with JsHello.
  local jsdir=$WORK/jsforce-zip-$org
  mkdir -p $jsdir/classes
  printf 'public class JsHello {\n}\n' >$jsdir/classes/JsHello.cls
  cp $mdapi/classes/SimMdapi.cls-meta.xml $jsdir/classes/JsHello.cls-meta.xml
  sed 's/SimMdapi/JsHello/' $mdapi/package.xml >$jsdir/package.xml
  mkzip $WORK/jsforce-$org.zip $jsdir
  run jsforce-metadata-$org $NODE20 $HERE/js/jsforce-metadata.js "$url" "$token" $WORK/jsforce-$org.zip $WORK
  local s name rest
  while read -r s name rest; do
    case $s in PASS|FAIL) out "$s" "$name" "$rest" ;; esac
  done < <(sed -n '/^\(PASS\|FAIL\) /p' $WORK/jsforce-metadata-$org.out)
  [[ $RC == 124 ]] && out FAIL jsforce-metadata "HANG (timeout ${T}s)"
  grep -q '^\(PASS\|FAIL\) ' $WORK/jsforce-metadata-$org.out || out FAIL jsforce-metadata "no step ran: $(tail -c 300 $WORK/jsforce-metadata-$org.err)"
  n=$(python3 -c "import zipfile;print(sorted(zipfile.ZipFile('$WORK/retrieved.zip').namelist()))" 2>&1)
  [[ $n == *"classes/AccountService.cls"* && $n == *"classes/JsHello.cls"* && $n == *"'package.xml'"* ]] \
    && out PASS js-metadata-retrieved-zip "singlePackage zip (no unpackaged/ root): $n" || out FAIL js-metadata-retrieved-zip "$n"
}
