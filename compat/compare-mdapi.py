#!/usr/bin/env python3
"""Compares two Metadata API directories as docs/DEPLOY.md promises conversion output matches `sf`:
the same file paths, the same package.xml (types, members, version), metadata XML equal after
canonicalisation (layout, declaration, quoting and empty-element form do not count), zipped static
resources equal entry by entry, other files byte for byte.

Usage: compare-mdapi.py EXPECTED_DIR ACTUAL_DIR     exit 0 when equivalent, 1 with the differences listed
"""
import io
import os
import sys
import xml.etree.ElementTree as ET
import zipfile

XML_SUFFIXES = None  # any file whose content parses as XML and whose name is not a known content file


def files(root):
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            out[os.path.relpath(p, root).replace(os.sep, "/")] = open(p, "rb").read()
    return out


def canonical(data, where):
    if b"<!DOCTYPE" in data:
        raise ValueError(where + ": DOCTYPE refused")
    root = ET.fromstring(data)

    def walk(e):
        kids = list(e)
        text = (e.text or "")
        if kids and not text.strip():
            text = ""
        return (e.tag, tuple(sorted(e.attrib.items())), text.replace("\r\n", "\n"),
                tuple(walk(k) for k in kids))
    return walk(root)


def manifest(data, where):
    ns = "{http://soap.sforce.com/2006/04/metadata}"
    root = ET.fromstring(data)
    members = sorted((t.findtext(ns + "name"), m.text) for t in root.findall(ns + "types") for m in t.findall(ns + "members"))
    return root.findtext(ns + "version"), members


def is_xml(path, data):
    if path.endswith("-meta.xml") or path.endswith(".xml"):
        return True
    top = path.split("/")[0]
    content_dirs = {"classes", "triggers", "pages", "components", "certs", "staticresources", "lwc", "aura", "email",
                    "documents", "contentassets"}
    return top not in content_dirs and data.lstrip()[:1] == b"<"


def main(expected_dir, actual_dir):
    want, got = files(expected_dir), files(actual_dir)
    problems = []
    for p in sorted(set(want) - set(got)):
        problems.append("missing: " + p)
    for p in sorted(set(got) - set(want)):
        problems.append("extra: " + p)
    for p in sorted(set(want) & set(got)):
        a, b = want[p], got[p]
        try:
            if p == "package.xml":
                if manifest(a, p) != manifest(b, p):
                    problems.append("package.xml differs: %s vs %s" % (manifest(a, p), manifest(b, p)))
            elif a[:4] == b"PK\x03\x04" and b[:4] == b"PK\x03\x04":
                za, zb = zipfile.ZipFile(io.BytesIO(a)), zipfile.ZipFile(io.BytesIO(b))
                fa = {n: za.read(n) for n in za.namelist() if not n.endswith("/")}
                fb = {n: zb.read(n) for n in zb.namelist() if not n.endswith("/")}
                if fa != fb:
                    problems.append("zip differs: " + p)
            elif is_xml(p, a):
                if canonical(a, p) != canonical(b, p):
                    problems.append("XML differs: " + p)
            elif a != b:
                problems.append("bytes differ: " + p)
        except Exception as e:  # a parse error is a difference, named
            problems.append("%s: %s" % (p, e))
    for line in problems[:50]:
        print(line)
    print("%d files compared, %d differences" % (len(set(want) & set(got)), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
