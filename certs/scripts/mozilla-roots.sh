#!/usr/bin/env bash
# Regenerates the bundled Mozilla root snapshot (certs/src/main/resources/dev/portcullis/certs/check/
# mozilla-roots.pem) from Debian's ca-certificates package on this machine. Debian keeps a root only
# when Mozilla's certdata.txt gives it the websites trust bit (CKA_TRUST_SERVER_AUTH =
# CKT_NSS_TRUSTED_DELEGATOR, mozilla/certdata2pem.py) and drops CKA_NSS_SERVER_DISTRUST_AFTER, so
# distrust-after dates live in mozilla-distrust-after.properties, each with its source.
# Usage: certs/scripts/mozilla-roots.sh   (needs dpkg-query and openssl; no network)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/src/main/resources/dev/portcullis/certs/check/mozilla-roots.pem"
src=/usr/share/ca-certificates/mozilla
version="$(dpkg-query -W -f='${Version}' ca-certificates)"
mkdir -p "$(dirname "$out")"
{
  echo "# Mozilla root store snapshot (websites trust bit), for portcullis certs check."
  echo "# source: Debian package ca-certificates $version, $src/*.crt"
  echo "# store-date: ${version:0:4}-${version:4:2}-${version:6:2} (the package version's date: the NSS roots it carries)"
  echo "# generated: $(date -u +%Y-%m-%d)"
  echo "# roots: $(ls "$src"/*.crt | wc -l)"
  echo "# Debian drops Mozilla's distrust-after dates; see mozilla-distrust-after.properties."
  for f in "$src"/*.crt; do
    echo
    echo "# $(basename "$f" .crt)"
    echo "# sha256: $(openssl x509 -in "$f" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr 'A-F' 'a-f')"
    openssl x509 -in "$f" -outform PEM
  done
} > "$out"
echo "wrote $out ($(grep -c 'BEGIN CERTIFICATE' "$out") roots, ca-certificates $version)"
