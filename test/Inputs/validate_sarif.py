#!/usr/bin/python3
"""Validates a SARIF log against test/Inputs/sarif-2.1.0-subset.schema.json
(a subset written from the spec; see its $comment) and checks what the
schema cannot: every result's ruleIndex points at the rule with its ruleId.

usage: validate_sarif.py SCHEMA SARIF
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
jsonschema.Draft7Validator.check_schema(schema)
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(log), key=lambda e: list(e.path))
for e in errors:
    print("INVALID at /%s: %s" % ("/".join(map(str, e.path)), e.message))
bad = 0
for run in log.get("runs", []):
    rules = run["tool"]["driver"]["rules"]
    for r in run["results"]:
        i = r.get("ruleIndex")
        if i is None or i >= len(rules) or rules[i]["id"] != r["ruleId"]:
            print("INVALID ruleIndex %r for ruleId %r" % (i, r["ruleId"]))
            bad += 1
print("results: %d" % sum(len(r["results"]) for r in log.get("runs", [])))
sys.exit(1 if errors or bad else 0)
