#!/usr/bin/env bash
# Drives the real Salesforce CLI (sf) and jsforce against Portcullis's org simulator and prints
# PASS/FAIL per step. The request shapes and the fields each client needs are recorded in
# shared/reference/salesforce-clients.md; this harness checks them against orgsim end to end.
#
# Usage: compat/run-clients.sh                     # starts its own orgsim (port 0), stops it at the end
#        SIM_JSON=FILE compat/run-clients.sh       # use an already running orgsim (its --json output)
# Env:   JAR (default cli/target/portcullis.jar), JAVA (default: the JDK 21+ the launcher finds),
#        PORTCULLIS_COMPAT_CACHE (where sf, node 22 and jsforce are installed with npm; default
#        ~/.cache/portcullis/compat), SKIP_BIG=1 to skip the 2050-record paging test, KEEP=0 to
#        delete the work directory, INSTALL=1 to rerun npm install.
# Output: one line per step "PASS|FAIL|XFAIL|XPASS <step> <detail>", then "N passed, N failed".
# Exit code: the number of FAIL lines (capped at 100). XFAIL = expected failure (not built yet).
# Metadata API steps (sf project deploy/retrieve, jsforce metadata.*) are in compat/metadata-steps.sh.
#
# Only loopback URLs are used. Telemetry and the update check are switched off. If a JWT token POST
# fails, sf itself retries against login.salesforce.com / test.salesforce.com (its own behaviour).
WORK_PREFIX=portcullis-compat
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

# ---------------------------------------------------------------- simulator
SIMPID=
if [[ -n ${SIM_JSON:-} ]]; then
  cp "$SIM_JSON" $WORK/sim.json
else
  mkdir -p $WORK/data
  "$JAVA" -jar "$JAR" orgsim --port 0 --json --data-dir $WORK/data >$WORK/sim.json 2>$WORK/sim.err &
  SIMPID=$!
  for _ in $(seq 1 60); do
    python3 -c "import json;json.load(open('$WORK/sim.json'))['orgs']['sandbox']['url']" 2>/dev/null && break
    sleep 0.5
  done
fi
cleanup() {
  [[ -n $SIMPID ]] && kill $SIMPID 2>/dev/null && wait $SIMPID 2>/dev/null
  [[ ${KEEP:-1} == 0 ]] && rm -rf "$WORK"
}
trap cleanup EXIT
org() { jget $WORK/sim.json "d['orgs']['$1']['$2']"; }
PURL=$(org prod url); SURL=$(org sandbox url)
if [[ $PURL != http://127.0.0.1:* && $PURL != http://localhost:* && $PURL != https://127.0.0.1:* ]]; then
  out FAIL simulator "no loopback prod url in orgsim output: $(head -c 300 $WORK/sim.json) $(head -c 300 $WORK/sim.err 2>/dev/null)"; exit 100
fi
out PASS simulator "prod=$PURL sandbox=$SURL"
out INFO versions "node22=$(node --version) sf=$(sf --version 2>&1 | head -1) jsforce=$(python3 -c "import json;print(json.load(open('$CT/node_modules/jsforce/package.json'))['version'])") node20=$($NODE20 --version)"

# ---------------------------------------------------------------- 1. JWT login
for a in prod sandbox; do
  run login-jwt-$a sf org login jwt --client-id "$(org $a consumer_key)" --jwt-key-file "$(org $a private_key)" \
    --username "$(org $a username)" --instance-url "$(org $a url)" --alias $a --json
  f=$WORK/login-jwt-$a.out
  if [[ $RC == 0 && $(jget $f "d['result']['orgId'][:3]") == 00D && -n $(jget $f "d['result']['instanceApiVersion']") ]]; then
    out PASS login-jwt-$a "$(jget $f "'orgId=%s instanceUrl=%s api=%s edition=%s isSandbox=%s' % (d['result']['orgId'],d['result']['instanceUrl'],d['result'].get('instanceApiVersion'),d['result'].get('orgEdition'),d['result'].get('isSandbox'))")"
  else
    out FAIL login-jwt-$a "exit=$RC$(hang) $(errmsg $f) $(tail -c 300 $WORK/login-jwt-$a.err)"
  fi
done

# ---------------------------------------------------------------- 2. org display
run display sf org display --target-org prod --json
st=$(jget $WORK/display.out "d['result']['connectedStatus']")
[[ $RC == 0 && $st == Connected ]] && out PASS org-display "connectedStatus=$st api=$(jget $WORK/display.out "d['result']['apiVersion']")" \
  || out FAIL org-display "exit=$RC$(hang) connectedStatus=$st $(errmsg $WORK/display.out)"

# ---------------------------------------------------------------- 3. queries
q() { # q NAME SOQL ORG
  run "$1" sf data query --query "$2" --target-org "$3" --json
}
q query-basic "SELECT Id, Name FROM Account LIMIT 5" prod
n=$(jget $WORK/query-basic.out "len(d['result']['records'])"); ts=$(jget $WORK/query-basic.out "d['result']['totalSize']")
[[ $RC == 0 && $n -ge 1 && $n == "$ts" ]] && out PASS query-basic "totalSize=$ts records=$n" || out FAIL query-basic "exit=$RC$(hang) n=$n totalSize=$ts $(errmsg $WORK/query-basic.out)"

q query-relationship "SELECT Id, LastName, Account.Name FROM Contact" prod
an=$(jget $WORK/query-relationship.out "[r['Account']['Name'] for r in d['result']['records'] if r.get('Account')][:2]")
[[ $RC == 0 && $an == \[\'* ]] && out PASS query-relationship "Account.Name values: $an" || out FAIL query-relationship "exit=$RC$(hang) $an $(errmsg $WORK/query-relationship.out)"

run query-relationship-table sf data query --query "SELECT Id, LastName, Account.Name FROM Contact" --target-org prod
[[ $RC == 0 ]] && grep -q 'ACCOUNT.NAME' $WORK/query-relationship-table.out && out PASS query-relationship-table "human table has ACCOUNT.NAME column (uses &columns=true)" \
  || out FAIL query-relationship-table "exit=$RC$(hang) $(tail -c 300 $WORK/query-relationship-table.err)"

run query-subquery-table sf data query --query "SELECT Name, (SELECT LastName FROM Contacts) FROM Account" --target-org prod
[[ $RC == 0 ]] && grep -q 'CONTACTS.LASTNAME' $WORK/query-subquery-table.out && out PASS query-subquery-table "parent-child subquery rendered" \
  || out FAIL query-subquery-table "exit=$RC$(hang) $(tail -c 300 $WORK/query-subquery-table.err)"

q query-empty "SELECT Id, Name FROM Account WHERE Name = 'No Such Account 42'" prod
r=$(jget $WORK/query-empty.out "(d['result']['totalSize'], d['result']['done'], len(d['result']['records']))")
[[ $RC == 0 && $r == "(0, True, 0)" ]] && out PASS query-empty "(totalSize,done,records)=$r" || out FAIL query-empty "exit=$RC$(hang) $r $(errmsg $WORK/query-empty.out)"

q query-count "SELECT COUNT() FROM Account" prod
r=$(jget $WORK/query-count.out "d['result']['totalSize']")
[[ $RC == 0 && $r =~ ^[0-9]+$ ]] && out PASS query-count "COUNT() totalSize=$r" || out FAIL query-count "exit=$RC$(hang) $r $(errmsg $WORK/query-count.out)"

q query-bad "SELEC Id FROM Account" prod
e=$(jget $WORK/query-bad.out "d.get('name')")
[[ $RC != 0 && $RC != 124 && $e == MALFORMED_QUERY ]] && out PASS query-bad "exit=$RC name=$e" || out FAIL query-bad "exit=$RC$(hang) name=$e $(errmsg $WORK/query-bad.out)"

q query-badfield "SELECT Id, Bogus__c FROM Account" prod
e=$(jget $WORK/query-badfield.out "d.get('name')")
[[ $RC != 0 && $RC != 124 && $e == INVALID_FIELD ]] && out PASS query-badfield "exit=$RC name=$e" || out FAIL query-badfield "exit=$RC$(hang) name=$e $(errmsg $WORK/query-badfield.out)"

q query-sandbox "SELECT Id, Name FROM Account" sandbox
n=$(jget $WORK/query-sandbox.out "d['result']['totalSize']")
[[ $RC == 0 && $n =~ ^[0-9]+$ ]] && out PASS query-sandbox "totalSize=$n" || out FAIL query-sandbox "exit=$RC$(hang) $(errmsg $WORK/query-sandbox.out)"

# ---------------------------------------------------------------- 4. record CRUD
run create sf data create record --sobject Account --values "Name=Acme" --target-org prod --json
ID=$(jget $WORK/create.out "d['result']['id']")
[[ $RC == 0 && $ID == 001* && $(jget $WORK/create.out "d['result']['success']") == True ]] && out PASS create "id=$ID" || out FAIL create "exit=$RC$(hang) $(errmsg $WORK/create.out)"

run get sf data get record --sobject Account --record-id "$ID" --target-org prod --json
r=$(jget $WORK/get.out "d['result']['Name']")
[[ $RC == 0 && $r == Acme ]] && out PASS get "Name=$r" || out FAIL get "exit=$RC$(hang) Name=$r $(errmsg $WORK/get.out)"

run update sf data update record --sobject Account --record-id "$ID" --values "Name='Acme Updated' Industry=Technology" --target-org prod --json
run get2 sf data get record --sobject Account --record-id "$ID" --target-org prod --json
r=$(jget $WORK/get2.out "(d['result']['Name'], d['result']['Industry'])")
[[ $(cat $WORK/update.rc) == 0 && $r == "('Acme Updated', 'Technology')" ]] && out PASS update "now $r" || out FAIL update "exit=$(cat $WORK/update.rc) after=$r $(errmsg $WORK/update.out)"

run get-where sf data get record --sobject Account --where "Name='Acme Updated'" --target-org prod --json
r=$(jget $WORK/get-where.out "d['result']['Id']")
[[ $RC == 0 && $r == "$ID" ]] && out PASS get-where "Id=$r" || out FAIL get-where "exit=$RC$(hang) $r $(errmsg $WORK/get-where.out)"

run delete sf data delete record --sobject Account --record-id "$ID" --target-org prod --json
drc=$RC
run get3 sf data get record --sobject Account --record-id "$ID" --target-org prod --json
e=$(jget $WORK/get3.out "d.get('name')")
[[ $drc == 0 && $RC != 0 && $RC != 124 ]] && out PASS delete "delete exit=0; get after delete exit=$RC name=$e" || out FAIL delete "delete exit=$drc $(errmsg $WORK/delete.out); get-after exit=$RC name=$e"

# ---------------------------------------------------------------- 5. sf api request rest (beta)
API=$(jget $WORK/display.out "d['result']['apiVersion']"); [[ $API =~ ^[0-9]+\.0$ ]] || API=66.0
run api-limits sf api request rest /services/data/v$API/limits --target-org prod
r=$(jget $WORK/api-limits.out "d['DailyApiRequests']")
[[ $RC == 0 && $r == *Max* ]] && out PASS api-request-limits "/services/data/v$API/limits DailyApiRequests=$r" || out FAIL api-request-limits "exit=$RC$(hang) $(head -c 300 $WORK/api-limits.out) $(tail -c 300 $WORK/api-limits.err)"

# ---------------------------------------------------------------- 6. access-token login
run token sf org auth show-access-token --target-org prod --json
TOK=$(jget $WORK/token.out "d['result']['accessToken']")
if [[ $TOK != 00D*!* ]]; then
  run token2 env SF_TEMP_SHOW_SECRETS=true sf org display --verbose --target-org prod --json
  TOK=$(jget $WORK/token2.out "d['result']['accessToken']")
fi
[[ $TOK =~ ^00D[A-Za-z0-9]{12,15}\! ]] && out PASS token-format "token looks like 00D...!... (${TOK:0:18}...)" || out FAIL token-format "token=${TOK:0:40}"
# Separate HOME so the token login (same username) does not overwrite the JWT org's auth file.
TOKHOME=$WORK/home-token; mkdir -p $TOKHOME
run login-token env HOME=$TOKHOME SF_ACCESS_TOKEN="$TOK" sf org login access-token --instance-url "$PURL" --no-prompt --alias prodtok --json
f=$WORK/login-token.out
r=$(jget $f "'orgId=%s instanceUrl=%s api=%s' % (d['result'].get('orgId'), d['result'].get('instanceUrl'), d['result'].get('instanceApiVersion'))")
AUTHF=$TOKHOME/.sfdx/$(org prod username).json
av=$(jget "$AUTHF" "d.get('instanceApiVersion')")
if [[ $RC == 0 && $r == orgId=00D* && $av =~ ^[0-9]+\.0$ ]]; then out PASS login-access-token "$r authfile.instanceApiVersion=$av"
elif [[ $RC == 0 && $r == orgId=00D* ]]; then
  out FAIL login-access-token "exit 0 and $r, but auth file has no instanceApiVersion (GET /services/data failed during login: $(grep -ho 'Failed to set the latest API version (ERROR_HTTP_[0-9]*' $TOKHOME/.sf/*.log 2>/dev/null | head -1))"
else out FAIL login-access-token "exit=$RC$(hang) $r $(errmsg $f)"; fi
run token-display env HOME=$TOKHOME sf org display --target-org prodtok --json
st=$(jget $WORK/token-display.out "d['result']['connectedStatus']")
[[ $RC == 0 && $st == Connected ]] && out PASS token-org-display "connectedStatus=$st" \
  || out FAIL token-org-display "exit=$RC connectedStatus=$st instanceUrl=$(jget $WORK/token-display.out "d['result']['instanceUrl']") warnings=$(jget $WORK/token-display.out "d['warnings'][:1]")"
run token-query env HOME=$TOKHOME sf data query --query "SELECT Id, Name FROM Account LIMIT 5" --target-org prodtok --json
n=$(jget $WORK/token-query.out "d['result']['totalSize']")
[[ $RC == 0 && $n =~ ^[0-9]+$ ]] && out PASS token-query "totalSize=$n" \
  || out FAIL token-query "exit=$RC$(hang) $(jget $WORK/token-query.out "d.get('name')") $(grep -o 'URI:</th><td>[^<]*' $WORK/token-query.out | head -1 | sed 's/.*<td>/URI=/') $(errmsg $WORK/token-query.out | head -c 150)"

# Direct probe of the cause: sf stores the access-token org's instanceUrl with a trailing slash and then
# requests "<url>//services/...". Real Salesforce serves such paths; the simulator must too.
c=$(curl -s -o $WORK/dslash.out -w '%{http_code}' -H "Authorization: Bearer $TOK" "$PURL//services/data/v$API/limits")
[[ $c == 200 ]] && out PASS double-slash-path "GET $PURL//services/data/v$API/limits -> $c" \
  || out FAIL double-slash-path "GET $PURL//services/data/v$API/limits -> $c $(grep -o '<title>[^<]*' $WORK/dslash.out | head -1)"

# ---------------------------------------------------------------- 7. jsforce (node 20)
run jsforce $NODE20 $HERE/js/jsforce-test.js "$PURL" "$TOK"
while read -r s name rest; do
  if [[ $name == extra-* && $s == FAIL ]]; then s=XFAIL; fi  # extras (composite) are informational
  case $s in PASS|FAIL|XFAIL) out "$s" "$name" "$rest" ;; esac
done < <(sed -n '/^\(PASS\|FAIL\) /p' $WORK/jsforce.out)
[[ $RC == 124 ]] && out FAIL jsforce "HANG (timeout ${T}s)"
grep -q . $WORK/jsforce.err && out INFO jsforce-stderr "$(head -c 300 $WORK/jsforce.err)"

run jsforce-v66 $NODE20 $HERE/js/jsforce-test.js "$PURL" "$TOK" 66.0
p=$(grep -c '^PASS' $WORK/jsforce-v66.out); f=$(grep '^FAIL' $WORK/jsforce-v66.out | grep -vc 'extra-')
[[ $f == 0 ]] && out PASS jsforce-v66.0 "same script with version 66.0: $p passed" || out FAIL jsforce-v66.0 "$(grep '^FAIL' $WORK/jsforce-v66.out | grep -v extra- | head -3)"

run jsforce-slash $NODE20 -e '
const jsforce=require("'$CT'/node_modules/jsforce");
const c=new jsforce.Connection({instanceUrl:process.argv[1]+"/",accessToken:process.argv[2]});
c.query("SELECT Id FROM Account LIMIT 1").then(r=>console.log("OK totalSize="+r.totalSize),e=>{console.log("ERR "+e.name+" "+String(e.message).replace(/\s+/g," ").slice(0,160));process.exit(1)});' "$PURL" "$TOK"
[[ $RC == 0 ]] && out PASS jsforce-trailing-slash "instanceUrl '$PURL/': $(cat $WORK/jsforce-slash.out)" \
  || out FAIL jsforce-trailing-slash "instanceUrl '$PURL/' (jsforce then requests //services/...): $(cat $WORK/jsforce-slash.out)"

# ---------------------------------------------------------------- 8. sf query paging (> 2000 rows)
if [[ ${SKIP_BIG:-0} != 1 ]]; then
  run big-create $NODE20 $HERE/js/bulk-accounts.js "$PURL" "$TOK" create 2050
  q query-paging "SELECT Id, Name FROM Account" prod
  r=$(jget $WORK/query-paging.out "(d['result']['totalSize'], len(d['result']['records']), len(set(x['Id'] for x in d['result']['records'])), d['result']['done'])")
  tot=$(jget $WORK/query-paging.out "d['result']['totalSize']")
  [[ $RC == 0 && $r == "($tot, $tot, $tot, True)" && $tot -gt 2000 ]] && out PASS sf-query-paging "(totalSize, fetched, distinct, done)=$r" \
    || out FAIL sf-query-paging "exit=$RC$(hang) $r $(errmsg $WORK/query-paging.out)"
  run big-delete $NODE20 $HERE/js/bulk-accounts.js "$PURL" "$TOK" delete-prefix Bulk
fi

# ---------------------------------------------------------------- 9. Metadata API: deploy / retrieve
. "$HERE/metadata-steps.sh"
metadata_steps prod "$PURL" "$TOK"

echo "-- logs in $WORK"
echo "$PASSES passed, $FAILS failed"
exit $((FAILS > 100 ? 100 : FAILS))
