#!/usr/bin/env python3
"""Chaos under load against a local three-node cluster (./deploy/run.sh --nodes 3).

Scenarios (each under a steady load of applications and status changes, spread
over the three nodes the way a load balancer would):
  kill9     a node killed with SIGKILL (the launcher starts it again)
  rolling   each node in turn stopped with SIGTERM and started again
  postgres  PostgreSQL stopped for --pg-down-s seconds, then started
  broker    the embedded broker refusing connections for --broker-down-s seconds

For each it prints the requests sent and how they were answered (2xx, 503, other,
unreached: the connection went with a node), then what the journal and the
notifications say: lost (an accepted submission or status change missing from the
journal, or its company never notified) and duplicated (an event or a notification
twice). Every answer must be 2xx or 503 with Retry-After; lost and duplicated must be 0.

  bench/chaos.sh [--quick] [--scenarios kill9,rolling,postgres,broker]
"""
import argparse
import os
import signal
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "support"))
from stack import (call, free_ports, node_pid, pg_start, pg_stop, pid_of, psql, sign_token,  # noqa: E402
                   start_stack, until)


class load:
    """Client threads: submit, then move to reviewing; round-robin over the nodes."""

    def __init__(self, bases, secret, job, company_tok, seekers, clients):
        self.bases, self.secret, self.job, self.company_tok = bases, secret, job, company_tok
        self.seekers = seekers  # [(user, resume)]
        self.next = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.results = []  # (kind, status, retry_after, app)
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(clients)]

    def take(self):
        with self.lock:
            if self.next >= len(self.seekers):
                return None
            s = self.seekers[self.next]
            self.next += 1
            return s

    def record(self, *r):
        with self.lock:
            self.results.append(r)

    def run(self, k):
        turn = k
        while not self.stop.is_set():
            s = self.take()
            if s is None:
                return
            user, resume = s
            base = self.bases[turn % len(self.bases)]
            turn += 1
            try:
                st, body = call(base, "POST", "/api/v1/applications", {"job_id": self.job, "resume_id": resume},
                                token=sign_token(self.secret, user, "jobseeker"), timeout=15, with_headers=True)
            except Exception:  # noqa: BLE001 - refused connection, reset: the node is gone
                self.record("submit", -1, True, None)
                continue
            status, payload, headers = st, body[0], body[1]
            app = payload.get("id") if status == 201 and isinstance(payload, dict) else None
            self.record("submit", status, status != 503 or "Retry-After" in headers, app)
            if not app:
                continue
            try:
                st, body = call(base, "PATCH", "/api/v1/applications/%s/status" % app, {"status": "reviewing"},
                                token=self.company_tok, timeout=15, with_headers=True)
                self.record("review", st, st != 503 or "Retry-After" in body[1], app)
            except Exception:  # noqa: BLE001
                self.record("review", -1, True, app)

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="shorter phases (broker and PostgreSQL down 5 s)")
    ap.add_argument("--scenarios", default="kill9,rolling,postgres,broker")
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--broker-down-s", type=float, default=30)
    ap.add_argument("--pg-down-s", type=float, default=5)
    args = ap.parse_args()
    if args.quick:
        args.broker_down_s = min(args.broker_down_s, 5)
        args.pg_down_s = min(args.pg_down_s, 3)
    work = tempfile.mkdtemp(prefix="hirehub-chaos-")
    os.chmod(work, 0o755)
    http_port = free_ports(5)  # three nodes, PostgreSQL, the broker
    pg_port, kafka_port = http_port + 3, http_port + 4
    env = dict(os.environ, HIREHUB_VAR=os.path.join(work, "var"), HIREHUB_HTTP_PORT=str(http_port),
               HIREHUB_PG_PORT=str(pg_port), HIREHUB_KAFKA_PORT=str(kafka_port), HIREHUB_RESTART_DELAY_S="2",
               HIREHUB_LOG_LEVEL="warn")
    env.pop("HIREHUB_DEV", None)
    log = open(os.path.join(work, "run.log"), "ab")
    bases = ["http://127.0.0.1:%d" % (http_port + i) for i in range(3)]
    stack = start_stack(env, log, "--nodes", "3")
    rc = 0
    try:
        until(900, lambda: all(call(b, "GET", "/ready")[0] == 200 for b in bases), "the three nodes")
        with open(os.path.join(work, "var", "run", "jwt.secret")) as f:
            secret = f.read().strip()
        company = str(uuid.uuid4())
        company_tok = sign_token(secret, company, "company")
        st, job = call(bases[0], "POST", "/api/v1/jobs", {"title": "Chaos Engineer"}, token=company_tok)
        assert st == 201, (st, job)
        print("%-9s %6s %6s %6s %6s %9s %6s %10s" % ("scenario", "sent", "2xx", "503", "other", "unreached", "lost",
                                                     "duplicated"))
        for scenario in args.scenarios.split(","):
            seekers = [(str(uuid.uuid4()), str(uuid.uuid4())) for _ in range(20000)]
            rows = ",".join("('%s','%s')" % (u, r) for u, r in seekers)
            psql(pg_port, "INSERT INTO users (id, email, password_hash, user_type) SELECT u::uuid, u || '@chaos.test', "
                          "'-', 'jobseeker' FROM (VALUES %s) v(u, r); INSERT INTO resumes (id, user_id, title, "
                          "original_file_url, original_file_name, file_type, file_size, file_sha256, status, progress) "
                          "SELECT r::uuid, u::uuid, 'CV', 'resumes/' || r || '.txt', 'cv.txt', 'txt', 1, repeat('0', "
                          "64), 'ready', 100 FROM (VALUES %s) v(u, r)" % (rows, rows))
            until(60, lambda: all(call(b, "GET", "/ready")[0] == 200 for b in bases), "the nodes before " + scenario)
            l = load(bases, secret, job["id"], company_tok, seekers, args.clients)
            l.start()
            time.sleep(3)
            if scenario == "kill9":
                os.kill(node_pid(http_port + 2), signal.SIGKILL)
                time.sleep(12)
            elif scenario == "rolling":
                for i in range(3):
                    os.kill(node_pid(http_port + i), signal.SIGTERM)
                    time.sleep(1)
                    until(120, lambda: call(bases[i], "GET", "/ready")[0] == 200, "node %d back" % (i + 1))
                    time.sleep(2)
            elif scenario == "postgres":
                pg_stop(work, "fast")
                time.sleep(args.pg_down_s)
                pg_start(work, pg_port)
                time.sleep(8)
            elif scenario == "broker":
                broker = pid_of(os.path.join(work, "var", "run", "broker.addr"))
                os.kill(broker, signal.SIGUSR1)
                time.sleep(args.broker_down_s)
                os.kill(broker, signal.SIGUSR2)
                time.sleep(5)
            l.finish()
            rc |= report(scenario, l, pg_port, company)
    finally:
        if stack.poll() is None:
            os.killpg(stack.pid, signal.SIGINT)
            try:
                stack.wait(timeout=120)
            except Exception:  # noqa: BLE001
                os.killpg(stack.pid, signal.SIGKILL)
        pg_stop(work, "fast")
    return rc


def journaled(pg_port, apps, event, count):
    """How many of `apps` have a number of `event`s in the journal that is `count` (e.g. "= 0")."""
    ids = ",".join("('%s'::uuid)" % a for a in apps)
    return int(psql(pg_port, "SELECT count(*) FROM (VALUES %s) v(id) WHERE (SELECT count(*) FROM application_events e "
                             "WHERE e.application_id = v.id AND %s) %s" % (ids, event, count)))


def report(scenario, l, pg_port, company):
    sent = len(l.results)
    ok = sum(1 for r in l.results if 200 <= r[1] < 300)
    refused = sum(1 for r in l.results if r[1] == 503)
    other = sum(1 for r in l.results if r[1] not in (-1, 503) and not 200 <= r[1] < 300)
    other += sum(1 for r in l.results if r[1] == 503 and not r[2])  # a 503 must say when to retry
    unreached = sum(1 for r in l.results if r[1] == -1)
    submitted = [r[3] for r in l.results if r[0] == "submit" and r[1] == 201]
    reviewed = [r[3] for r in l.results if r[0] == "review" and r[1] == 200]
    lost = duplicated = 0
    if submitted:
        ids = ",".join("('%s'::uuid)" % a for a in submitted)
        # Everything accepted reaches the company (notifications are eventually consistent: wait).
        def notified():
            return int(psql(pg_port, "SELECT count(DISTINCT data->>'application_id') FROM notifications WHERE user_id "
                                     "= '%s' AND event_type = 'application.submitted' AND data->>'application_id' IN "
                                     "(SELECT id::text FROM (VALUES %s) v(id))" % (company, ids)))
        try:
            until(180, lambda: notified() >= len(submitted), "the notifications of " + scenario)
        except AssertionError:
            pass
        lost += len(submitted) - notified()
        lost += journaled(pg_port, submitted, "e.event_type = 'submitted'", "= 0")
        duplicated += journaled(pg_port, submitted, "e.event_type = 'submitted'", "> 1")
        duplicated += int(psql(pg_port, "SELECT count(*) FROM (SELECT data->>'application_id' FROM notifications "
                                        "WHERE user_id = '%s' AND event_type = 'application.submitted' GROUP BY 1, "
                                        "channel HAVING count(*) > 1) d" % company))
    if reviewed:
        lost += journaled(pg_port, reviewed, "e.to_status = 'reviewing'", "= 0")
        duplicated += journaled(pg_port, reviewed, "e.to_status = 'reviewing'", "> 1")
    print("%-9s %6d %6d %6d %6d %9d %6d %10d" % (scenario, sent, ok, refused, other, unreached, lost, duplicated),
          flush=True)
    return 1 if (other or lost or duplicated) else 0


if __name__ == "__main__":
    sys.exit(main())
