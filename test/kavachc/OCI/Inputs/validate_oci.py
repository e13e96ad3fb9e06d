#!/usr/bin/python3
"""Validates OCI runtime-spec config.json files against the v1.2.0 JSON schema
(test/Inputs/oci-runtime-spec-v1.2.0, resolved locally: no network).
usage: validate_oci.py SCHEMA_DIR CONFIG.json...   prints 'valid: FILE' or the
first errors and exits 1."""
import json
import os
import sys

import jsonschema


def main():
    schema_dir = os.path.abspath(sys.argv[1])
    store = {}
    for name in os.listdir(schema_dir):
        if name.endswith(".json"):
            with open(os.path.join(schema_dir, name)) as f:
                doc = json.load(f)
            uri = "file://" + os.path.join(schema_dir, name)
            store[uri] = doc
            store[name] = doc
            if "$id" in doc:
                store[doc["$id"]] = doc
    schema = store["config-schema.json"]
    base = "file://" + os.path.join(schema_dir, "config-schema.json")
    resolver = jsonschema.RefResolver(base_uri=base, referrer=schema, store=store)
    validator = jsonschema.Draft4Validator(schema, resolver=resolver)
    bad = 0
    for path in sys.argv[2:]:
        with open(path) as f:
            config = json.load(f)
        errors = sorted(validator.iter_errors(config), key=lambda e: list(e.path))
        if errors:
            bad += 1
            for e in errors[:10]:
                print("invalid: %s: %s: %s" % (path, "/".join(map(str, e.path)), e.message))
        else:
            print("valid: %s" % path)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
