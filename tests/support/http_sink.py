#!/usr/bin/python3
"""A real HTTP receiver for tests, standing in for a push gateway or an SMS
provider: every POST is appended to <file> as one JSON line
{"path", "headers", "body"}. `--fail-first N` answers the first N with 503;
`--status-delivered` answers {"status": "delivered", "id": ...}; `--reject-to X`
answers 400 when the JSON body's "to" is X.

    http_sink.py --port 8099 --file /tmp/push.jsonl [--fail-first 1]
"""
import argparse
import json
import sys
import threading

from json_http import JsonHandler, serve


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--status-delivered", action="store_true")
    ap.add_argument("--reject-to", default="")
    a = ap.parse_args()
    state = {"fail_left": a.fail_first, "n": 0}
    lock = threading.Lock()

    class Handler(JsonHandler):
        def do_POST(self):
            parsed = self.json_body()
            with lock:
                if state["fail_left"] > 0:
                    state["fail_left"] -= 1
                    return self.reply(503, {"error": "busy"})
                if parsed is None:
                    return self.reply(400, {"error": "not json"})
                if a.reject_to and parsed.get("to") == a.reject_to:
                    return self.reply(400, {"error": "invalid number"})
                state["n"] += 1
                rec = {"path": self.path, "headers": dict(self.headers), "body": parsed}
                with open(a.file, "a") as f:
                    f.write(json.dumps(rec) + "\n")
                out = {"id": "msg-%d" % state["n"]}
                if a.status_delivered:
                    out["status"] = "delivered"
                return self.reply(202, out)

    serve(a.port, Handler, "http sink")


if __name__ == "__main__":
    sys.exit(main())
