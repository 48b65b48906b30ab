#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The kiosk's MQTT contract, seen by a client library the project did not
write (paho-mqtt from Debian) and checked with a JSON Schema implementation
it did not write either (python3-jsonschema):

  - every message on recovery/<site>/# and homeassistant/# validates against
    its schema in docs/schemas/ (docs/schemas/topics.json maps topics);
  - Home Assistant's discovery is complete (kiosk and stations, no pressure
    entity for a station without a sensor) and its templates work when
    rendered with Jinja2 as Home Assistant renders them;
  - a full staff flow runs through the Home Assistant entities' topics only:
    out of service, back in service, stop with a visible result, reset,
    cleaned.

Run by tests/mqtt/test_mqtt_contract.c, which owns the broker, the kiosk
(the real controller stepped in virtual time, the real MQTT link) and the
member at the station: a line "MEMBER start <n>" or "MEMBER fault <n>" on
stdout asks it to start a session or cause a fault; "OK" ends a good run.
"""

import argparse
import datetime
import json
import os
import queue
import sys
import threading
import time

import jinja2
import jsonschema
import paho.mqtt.client as mqtt

TIMEOUT_S = 30.0


def topic_matches(pattern, topic):
    p, t = pattern.split("/"), topic.split("/")
    for i, part in enumerate(p):
        if part == "#":
            return True
        if i >= len(t) or (part != "+" and part != t[i]):
            return False
    return len(p) == len(t)


class Schemas:
    def __init__(self, folder):
        self.folder = os.path.abspath(folder)
        with open(os.path.join(self.folder, "topics.json")) as f:
            self.topics = {k: v for k, v in json.load(f).items() if not k.startswith("$")}
        self.cache = {}

    def validator(self, name):
        if name not in self.cache:
            path = os.path.join(self.folder, name)
            with open(path) as f:
                schema = json.load(f)
            resolver = jsonschema.RefResolver(
                base_uri="file://" + os.path.dirname(path) + "/", referrer=schema)
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            self.cache[name] = cls(schema, resolver=resolver,
                                   format_checker=jsonschema.FormatChecker())
        return self.cache[name]

    def check(self, topic, payload):
        """None when the message is valid, else why not."""
        names = [s for p, s in self.topics.items() if topic_matches(p, topic)]
        if not names:
            return "no schema names topic %s" % topic
        if not payload:
            return None  # an empty retained payload removes the topic
        text = payload.decode("utf-8")
        if names[0] == "availability.schema.json":
            instance = text
        else:
            try:
                instance = json.loads(text)
            except ValueError as e:
                return "not JSON on %s: %s" % (topic, e)
            if isinstance(instance, dict) and instance.get("probe") is True:
                return None  # recovery-kiosk --check-config --mqtt
        errors = sorted(self.validator(names[0]).iter_errors(instance), key=str)
        if errors:
            return "%s on %s fails %s: %s" % (text[:200], topic, names[0],
                                            "; ".join(e.message for e in errors[:3]))
        return None


class HomeAssistant:
    """The part of Home Assistant's MQTT integration this test needs: it
    keeps discovery configs, renders value and command templates with
    Jinja2 (value, value_json, now()) and tracks entity states and events."""

    def __init__(self, args, schemas):
        self.args = args
        self.schemas = schemas
        self.lock = threading.Condition()
        self.configs = {}    # unique_id -> config
        self.removed = set()  # discovery topics emptied
        self.payloads = {}    # topic -> last payload (bytes)
        self.events = []      # (unique_id, event_type, attributes)
        self.invalid = []
        self.messages = 0
        self.env = jinja2.Environment()
        self.env.globals["now"] = lambda: datetime.datetime.now(datetime.timezone.utc)
        proto = mqtt.MQTTv5 if args.protocol == "5" else mqtt.MQTTv311
        self.client = mqtt.Client(client_id="ha-contract-%s-%d" % (args.protocol, os.getpid()),
                                  protocol=proto)
        self.client.username_pw_set(args.user, args.password)
        self.client.on_message = self.on_message

    def start(self):
        if self.args.protocol == "5":
            self.client.connect(self.args.host, self.args.port, clean_start=True)
        else:
            self.client.connect(self.args.host, self.args.port)
        self.client.loop_start()
        self.client.subscribe([("recovery/%s/#" % self.args.site, 1),
                               ("%s/#" % self.args.prefix, 1)])

    def stop(self):
        self.client.loop_stop()
        self.client.disconnect()

    def render(self, template, payload=None, value=None):
        variables = {}
        if payload is not None:
            text = payload.decode("utf-8")
            variables["value"] = text
            try:
                variables["value_json"] = json.loads(text)
            except ValueError:
                pass
        if value is not None:
            variables["value"] = value
        return self.env.from_string(template).render(**variables).strip()

    def on_message(self, client, userdata, msg):
        problem = self.schemas.check(msg.topic, msg.payload)
        with self.lock:
            self.messages += 1
            if problem:
                self.invalid.append(problem)
            self.payloads[msg.topic] = msg.payload
            if msg.topic.startswith(self.args.prefix + "/") and msg.topic.endswith("/config"):
                self.discovered(msg.topic, msg.payload)
            elif not msg.retain:
                self.fire_events(msg.topic, msg.payload)
            self.lock.notify_all()

    def discovered(self, topic, payload):
        if not payload:
            self.removed.add(topic)
            for uid, c in list(self.configs.items()):
                if c["_topic"] == topic:
                    del self.configs[uid]
            return
        config = json.loads(payload)
        config["_topic"] = topic
        self.configs[config["unique_id"]] = config
        self.removed.discard(topic)

    def fire_events(self, topic, payload):
        # homeassistant/components/mqtt/event.py: the rendered value is a
        # JSON object whose event_type must be one of event_types; an empty
        # rendering is ignored; retained messages never fire.
        for uid, c in self.configs.items():
            if not c["_topic"].startswith(self.args.prefix + "/event/"):
                continue
            if c.get("state_topic") != topic:
                continue
            rendered = self.render(c["value_template"], payload)
            if not rendered:
                continue
            attrs = json.loads(rendered)
            event_type = attrs.pop("event_type")
            if event_type not in c["event_types"]:
                self.invalid.append("%s: event_type %s is not among its event_types" %
                                    (uid, event_type))
            self.events.append((uid, event_type, attrs))

    def uid(self, station, obj):
        node = "kiosk" if station is None else "station_%d" % station
        return "recovery_%s_%s_%s" % (self.args.site, node, obj)

    def wait(self, what, predicate):
        deadline = time.monotonic() + TIMEOUT_S
        with self.lock:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("timed out waiting for " + what)
                self.lock.wait(left)

    def state(self, station, obj):
        """An entity's state as Home Assistant shows it (value_template on
        the last message of its state topic), or None."""
        c = self.configs.get(self.uid(station, obj))
        if not c or c.get("state_topic") not in self.payloads:
            return None
        payload = self.payloads[c["state_topic"]]
        return self.render(c["value_template"], payload) if payload else None

    def wait_state(self, station, obj, want):
        self.wait("%s %s = %s (is %s)" % (station, obj, want, self.state(station, obj)),
                  lambda: self.state(station, obj) == want)

    def mark(self):
        with self.lock:
            return len(self.events)

    def wait_event(self, station, obj, event_type, mark):
        uid = self.uid(station, obj)

        def seen():
            return any(e[0] == uid and e[1] == event_type for e in self.events[mark:])
        self.wait("event %s %s" % (uid, event_type), seen)
        with self.lock:
            return [e for e in self.events[mark:] if e[0] == uid and e[1] == event_type][0]

    def command(self, station, obj, value):
        """Press a button or pick a select option, as Home Assistant does:
        command_template rendered with the value, published with the
        config's topic, QoS and retain flag."""
        c = self.configs[self.uid(station, obj)]
        payload = self.render(c["command_template"], value=value)
        self.client.publish(c["command_topic"], payload, qos=c["qos"], retain=c["retain"])
        return json.loads(payload)

    def press(self, station, obj):
        c = self.configs[self.uid(station, obj)]
        return self.command(station, obj, c["payload_press"])


def member(request):
    print("MEMBER " + request, flush=True)


def check_discovery(ha, args):
    kiosk = ["uptime", "broker", "outbox", "refused", "deadlines", "duplicate", "config",
             "version"]
    station = ["state", "remaining", "pressure", "fault", "service", "stop", "reset_fault",
               "cleaned", "session", "fault_event", "command"]

    def complete():
        want = [ha.uid(None, o) for o in kiosk]
        for n in range(1, args.stations + 1):
            want += [ha.uid(n, o) for o in station
                     if not (o == "pressure" and n in args.sensorless)]
        return all(u in ha.configs for u in want)
    ha.wait("every discovery config", complete)
    with ha.lock:
        for n in args.sensorless:
            # No pressure entity for a station without a sensor.
            assert ha.uid(n, "pressure") not in ha.configs, "station %d has a pressure entity" % n
        state = ha.configs[ha.uid(1, "state")]
        # sensor.py: an enum sensor lists its options, without unit or state class.
        assert state["device_class"] == "enum" and "idle" in state["options"]
        assert "out_of_service" in state["options"]
        for obj in ["remaining", "pressure"]:
            assert ha.configs[ha.uid(1, obj)]["state_class"] == "measurement"
        for obj in ["stop", "reset_fault", "cleaned"]:
            button = ha.configs[ha.uid(1, obj)]
            assert button["qos"] == 1 and button["retain"] is False
            a = json.loads(ha.render(button["command_template"], value=button["payload_press"]))
            b = json.loads(ha.render(button["command_template"], value=button["payload_press"]))
            # A fresh request id each press: the kiosk treats a repeated id
            # as the same command delivered again.
            assert a["request_id"] != b["request_id"], "button %s repeats its request id" % obj
            assert a["action"] == obj
        for uid, c in ha.configs.items():
            # entity.py: object_id is deprecated; default_entity_id replaces it.
            assert "object_id" not in c and c["default_entity_id"].split(".")[0] == \
                c["_topic"].split("/")[1], uid


def flow(ha, args):
    s, f = 1, args.fault_station
    # Out of service with a reason, through the select.
    mark = ha.mark()
    sent = ha.command(s, "service", "Out of service: repair")
    assert sent["action"] == "out_of_service" and sent["reason"] == "repair"
    ha.wait_state(s, "state", "out_of_service")
    ha.wait_state(s, "service", "Out of service: repair")
    ev = ha.wait_event(s, "command", "ok", mark)
    assert ev[2]["request_id"] == sent["request_id"]
    # Back in service.
    mark = ha.mark()
    ha.command(s, "service", "In service")
    ha.wait_state(s, "state", "idle")
    ha.wait_state(s, "service", "In service")
    ha.wait_event(s, "command", "ok", mark)
    if args.short:
        return
    # A stop pressed on an idle station is refused, visibly.
    mark = ha.mark()
    ha.press(s, "stop")
    ha.wait_event(s, "command", "bad_state", mark)
    # A member runs a session; staff stop it: the result shows, the session
    # event fires, the station wants cleaning; cleaned frees it.
    mark = ha.mark()
    member("start %d" % s)
    ha.wait_state(s, "state", "running")
    ha.wait_event(s, "session", "session_started", mark)
    mark = ha.mark()
    ha.press(s, "stop")
    ha.wait_event(s, "command", "ok", mark)
    ev = ha.wait_event(s, "session", "session_stopped", mark)
    assert ev[2]["reason"] == "staff"
    ha.wait_state(s, "state", "needs_cleaning")
    mark = ha.mark()
    ha.press(s, "cleaned")
    ha.wait_event(s, "command", "ok", mark)
    ha.wait_state(s, "state", "idle")
    # A fault on another station: seen, reset, cleaned.
    mark = ha.mark()
    member("fault %d" % f)
    ha.wait_state(f, "fault", "ON")
    ha.wait_state(f, "state", "fault")
    ha.wait_event(f, "fault_event", "fault_raised", mark)
    mark = ha.mark()
    ha.press(f, "reset_fault")
    ha.wait_event(f, "command", "ok", mark)
    ha.wait_event(f, "fault_event", "fault_reset", mark)
    ha.wait_state(f, "fault", "OFF")
    ha.wait_state(f, "state", "needs_cleaning")
    mark = ha.mark()
    ha.press(f, "cleaned")
    ha.wait_event(f, "command", "ok", mark)
    ha.wait_state(f, "state", "idle")
    # The kiosk device reads sensibly.
    assert ha.state(None, "broker") == "ON"
    assert ha.state(None, "duplicate") == "OFF"
    assert int(ha.state(None, "outbox")) >= 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--prefix", default="homeassistant")
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--protocol", choices=["5", "3.1.1"], default="5")
    ap.add_argument("--stations", type=int, default=2)
    ap.add_argument("--sensorless", type=int, nargs="*", default=[])
    ap.add_argument("--fault-station", type=int, default=2)
    ap.add_argument("--short", action="store_true", help="only the service flow")
    args = ap.parse_args()

    ha = HomeAssistant(args, Schemas(args.schemas))
    ha.start()
    try:
        check_discovery(ha, args)
        flow(ha, args)
    except AssertionError as e:
        print("FAIL: %s" % e, flush=True)
        ha.stop()
        return 1
    ha.stop()
    with ha.lock:
        print("messages seen %d, every one checked against its schema, invalid %d" %
              (ha.messages, len(ha.invalid)), flush=True)
        for problem in ha.invalid[:20]:
            print("INVALID: " + problem, flush=True)
        if ha.invalid:
            return 1
    print("OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
