#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks MQTT messages against the JSON Schemas of docs/schemas (topics.json
maps topics to schemas, the first match wins, as tests/mqtt/contract.py
reads it).  Input: one JSON object a line, {"topic": ..., "payload": ...}.
Prints one line per message that fails and exits 1 when any did; a topic
no schema names is a failure too.

    validate.py SCHEMA_DIR < messages.jsonl
"""
import json
import os
import sys

import jsonschema

try:  # jsonschema >= 4.18
    from referencing import Registry, Resource
except ImportError:  # Debian 12's jsonschema 4.10: RefResolver, as contract.py
    Registry = None


def matches(pattern, topic):
    p, t = pattern.split("/"), topic.split("/")
    for i, part in enumerate(p):
        if part == "#":
            return True
        if i >= len(t) or (part != "+" and part != t[i]):
            return False
    return len(p) == len(t)


def main():
    folder = os.path.abspath(sys.argv[1])
    with open(os.path.join(folder, "topics.json")) as f:
        topics = [(k, v) for k, v in json.load(f).items() if not k.startswith("$")]
    schemas = {}
    for root, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".schema.json"):
                with open(os.path.join(root, name)) as f:
                    schemas[os.path.relpath(os.path.join(root, name), folder)] = json.load(f)
    registry = None
    if Registry:
        registry = Registry().with_resources(
            (name, Resource.from_contents(s)) for name, s in schemas.items())
    bad = 0
    checked = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        m = json.loads(line)
        topic, payload = m["topic"], m["payload"]
        names = [s for p, s in topics if matches(p, topic)]
        if not names:
            print("no schema names topic %s" % topic)
            bad += 1
            continue
        if payload == "" or names[0] == "availability.schema.json":
            continue
        instance = json.loads(payload)
        schema = schemas[names[0]]
        cls = jsonschema.validators.validator_for(schema)
        if registry is not None:
            v = cls(schema, registry=registry)
        else:
            base = "file://" + os.path.dirname(os.path.join(folder, names[0])) + "/"
            v = cls(schema, resolver=jsonschema.RefResolver(base_uri=base, referrer=schema))
        errors = sorted(v.iter_errors(instance), key=str)
        checked += 1
        if errors:
            bad += 1
            print("%s on %s fails %s: %s" % (payload[:160], topic, names[0],
                                             "; ".join(e.message for e in errors[:3])))
    print("checked %d message(s) against docs/schemas, %d failed" % (checked, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
