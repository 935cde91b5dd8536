#!/usr/bin/env python3
"""Writes a synthetic SFDX project for bench/deploy-convert.sh: COMPONENTS package.xml members of the
kinds real projects have (Apex, triggers, decomposed objects with fields, list views and validation
rules, LWC bundles, permission sets, profiles, layouts, flows, labels, static resources in file and
folder form, custom metadata). Deterministic for a given size.

Usage: deploy-convert-project.py DIR [COMPONENTS]   (default 10000)
"""
import json
import os
import sys

NS = "http://soap.sforce.com/2006/04/metadata"


def xml(root, body):
    return '<?xml version="1.0" encoding="UTF-8"?>\n<%s xmlns="%s">\n%s</%s>\n' % (root, NS, body, root)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(text)


def main(root, total):
    d = os.path.join(root, "force-app", "main", "default")
    # shares of the total, by kind (sum 1.0); objects count 12 members each (object, 8 fields, 2 list views, 1 rule)
    share = {"class": 0.30, "trigger": 0.05, "object": 0.24, "lwc": 0.15, "permset": 0.05, "profile": 0.01,
             "layout": 0.05, "flow": 0.03, "label": 0.09, "resource": 0.02, "cmd": 0.01}
    n = {k: int(total * v) for k, v in share.items()}
    n["object"] //= 12
    n["label"] -= 1  # the CustomLabels member itself
    count = 0
    for i in range(n["class"]):
        name = "Service%05d" % i
        write(f"{d}/classes/{name}.cls", "public with sharing class %s {\n    public Integer value() {\n        return %d;\n    }\n}\n" % (name, i))
        write(f"{d}/classes/{name}.cls-meta.xml", xml("ApexClass", "    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n"))
        count += 1
    for i in range(n["trigger"]):
        name = "Trigger%05d" % i
        write(f"{d}/triggers/{name}.trigger", "trigger %s on Account (before insert) {\n}\n" % name)
        write(f"{d}/triggers/{name}.trigger-meta.xml", xml("ApexTrigger", "    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n"))
        count += 1
    for i in range(n["object"]):
        obj = "Thing%04d__c" % i
        base = f"{d}/objects/{obj}"
        write(f"{base}/{obj}.object-meta.xml", xml("CustomObject", "    <deploymentStatus>Deployed</deploymentStatus>\n    <label>Thing %d</label>\n    <nameField>\n        <label>Name</label>\n        <type>Text</type>\n    </nameField>\n    <pluralLabel>Things %d</pluralLabel>\n    <sharingModel>ReadWrite</sharingModel>\n" % (i, i)))
        for f in range(8):
            write(f"{base}/fields/Field{f}__c.field-meta.xml", xml("CustomField", "    <fullName>Field%d__c</fullName>\n    <externalId>false</externalId>\n    <label>Field %d</label>\n    <length>80</length>\n    <required>false</required>\n    <type>Text</type>\n    <unique>false</unique>\n" % (f, f)))
        for v in ("All", "Mine"):
            write(f"{base}/listViews/{v}.listView-meta.xml", xml("ListView", "    <fullName>%s</fullName>\n    <columns>NAME</columns>\n    <filterScope>%s</filterScope>\n    <label>%s</label>\n" % (v, "Everything" if v == "All" else "Mine", v)))
        write(f"{base}/validationRules/Name_Required.validationRule-meta.xml", xml("ValidationRule", "    <fullName>Name_Required</fullName>\n    <active>true</active>\n    <errorConditionFormula>ISBLANK(Name)</errorConditionFormula>\n    <errorMessage>Name is required</errorMessage>\n"))
        count += 12
    for i in range(n["lwc"]):
        name = "thing%05d" % i
        write(f"{d}/lwc/{name}/{name}.js", "import { LightningElement, api } from 'lwc';\n\nexport default class Thing%05d extends LightningElement {\n    @api recordId;\n}\n" % i)
        write(f"{d}/lwc/{name}/{name}.html", "<template>\n    <p>{recordId}</p>\n</template>\n")
        write(f"{d}/lwc/{name}/{name}.js-meta.xml", xml("LightningComponentBundle", "    <apiVersion>62.0</apiVersion>\n    <isExposed>false</isExposed>\n"))
        count += 1
    for i in range(n["permset"]):
        perms = "".join("    <fieldPermissions>\n        <editable>true</editable>\n        <field>Thing%04d__c.Field%d__c</field>\n        <readable>true</readable>\n    </fieldPermissions>\n" % (i % max(1, n["object"]), f) for f in range(8))
        write(f"{d}/permissionsets/Perm{i:04d}.permissionset-meta.xml", xml("PermissionSet", perms + "    <label>Perm %d</label>\n" % i))
        count += 1
    for i in range(n["profile"]):
        perms = "".join("    <userPermissions>\n        <enabled>true</enabled>\n        <name>Perm%03d</name>\n    </userPermissions>\n" % p for p in range(200))
        write(f"{d}/profiles/Profile{i:03d}.profile-meta.xml", xml("Profile", "    <custom>true</custom>\n" + perms + "    <userLicense>Salesforce</userLicense>\n"))
        count += 1
    for i in range(n["layout"]):
        write(f"{d}/layouts/Thing{i % max(1, n['object']):04d}__c-Layout {i}.layout-meta.xml", xml("Layout", "    <layoutSections>\n        <label>Information</label>\n        <layoutColumns>\n            <layoutItems>\n                <behavior>Required</behavior>\n                <field>Name</field>\n            </layoutItems>\n        </layoutColumns>\n        <style>TwoColumnsTopToBottom</style>\n    </layoutSections>\n"))
        count += 1
    for i in range(n["flow"]):
        write(f"{d}/flows/Flow{i:04d}.flow-meta.xml", xml("Flow", "    <apiVersion>62.0</apiVersion>\n    <label>Flow %d</label>\n    <processType>AutoLaunchedFlow</processType>\n    <status>Draft</status>\n" % i))
        count += 1
    labels = "".join("    <labels>\n        <fullName>Label%05d</fullName>\n        <language>en_US</language>\n        <protected>false</protected>\n        <shortDescription>Label %d</shortDescription>\n        <value>Value %d</value>\n    </labels>\n" % (i, i, i) for i in range(n["label"]))
    write(f"{d}/labels/CustomLabels.labels-meta.xml", xml("CustomLabels", labels))
    count += n["label"] + 1
    for i in range(n["resource"]):
        name = "res%04d" % i
        if i % 2:
            write(f"{d}/staticresources/{name}.resource-meta.xml", xml("StaticResource", "    <cacheControl>Private</cacheControl>\n    <contentType>application/zip</contentType>\n"))
            write(f"{d}/staticresources/{name}/js/app.js", "console.log(%d);\n" % i)
            write(f"{d}/staticresources/{name}/css/app.css", "body { margin: %dpx; }\n" % i)
        else:
            write(f"{d}/staticresources/{name}.resource-meta.xml", xml("StaticResource", "    <cacheControl>Public</cacheControl>\n    <contentType>application/json</contentType>\n"))
            write(f"{d}/staticresources/{name}.json", '{"n": %d}\n' % i)
        count += 1
    for i in range(n["cmd"]):
        write(f"{d}/customMetadata/Setting.Record{i:04d}.md-meta.xml", xml("CustomMetadata", "    <label>Record %d</label>\n    <protected>false</protected>\n" % i))
        count += 1
    # top up with classes to reach the total exactly
    i = n["class"]
    while count < total:
        name = "Service%05d" % i
        write(f"{d}/classes/{name}.cls", "public class %s {}\n" % name)
        write(f"{d}/classes/{name}.cls-meta.xml", xml("ApexClass", "    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n"))
        count += 1
        i += 1
    with open(os.path.join(root, "sfdx-project.json"), "w") as f:
        json.dump({"packageDirectories": [{"path": "force-app", "default": True}], "namespace": "",
                   "sourceApiVersion": "62.0"}, f, indent=2)
    print(count)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000)
