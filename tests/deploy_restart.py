#!/usr/bin/env python3
"""The local stack of ./deploy/run.sh: it loses nothing when it is killed and started again, and it keeps serving
when one of its nodes dies (the launcher starts that node again).

Run by tests/run.sh. It starts ./deploy/run.sh with a state directory and ports of its
own, with the node's consumers off (an API-only node: events are published, nobody
reads them), accepts applications through the API, waits until the relay published
them, then kills the whole stack with SIGKILL (the launcher, the node, the embedded
broker, PostgreSQL). ./deploy/run.sh is started again (consumers on, a fresh broker
whose log is empty): the company must be notified of every application exactly once.
Prints `[  PASSED  ]` or `[  FAILED  ]` lines like gtest, and exits non-zero on failure.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from stack import call, free_ports, node_pid, pg_stop, psql, start_stack, until  # noqa: E402

APPLICATIONS = 4


def main():
    failed = run_killed_stack_test() + run_survivors_test()
    print("[==========] 2 tests from 1 test suite ran.")
    print("[  PASSED  ] %d tests." % (2 - failed))
    return 1 if failed else 0


def run_survivors_test():
    """./deploy/run.sh --nodes 2: node 2 killed with SIGKILL; node 1 keeps serving, the launcher starts node 2 again."""
    work = tempfile.mkdtemp(prefix="hirehub-deploy-survivors-")
    os.chmod(work, 0o755)
    http_port = free_ports(4)  # two nodes, PostgreSQL, the broker
    pg_port, kafka_port = http_port + 2, http_port + 3
    env = dict(os.environ, HIREHUB_VAR=os.path.join(work, "var"), HIREHUB_HTTP_PORT=str(http_port),
               HIREHUB_PG_PORT=str(pg_port), HIREHUB_KAFKA_PORT=str(kafka_port), HIREHUB_RESTART_DELAY_S="1")
    env.pop("HIREHUB_DEV", None)
    log = open(os.path.join(work, "run.log"), "ab")
    name = "deploy_restart.a_killed_node_restarts_while_the_other_keeps_serving"
    print("[ RUN      ] " + name, flush=True)
    stack = None
    first, second = "http://127.0.0.1:%d" % http_port, "http://127.0.0.1:%d" % (http_port + 1)
    try:
        stack = start_stack(env, log, "--nodes", "2")
        until(600, lambda: call(first, "GET", "/ready")[0] == 200 and call(second, "GET", "/ready")[0] == 200,
              "both nodes to be ready")
        # ... and the launcher to have seen them ready (its start is over).
        until(60, lambda: b"HireHub ready" in open(os.path.join(work, "run.log"), "rb").read(), "the launcher's start")
        victim = node_pid(http_port + 1)
        assert victim, "node 2's process was not found"
        os.kill(victim, signal.SIGKILL)
        # The survivor answers all along; the launcher did not stop the stack.
        deadline = time.time() + 3
        while time.time() < deadline:
            st, _ = call(first, "GET", "/health")
            assert st == 200, "node 1 answered %s after node 2 died" % st
            assert stack.poll() is None, "the launcher stopped when a node died"
            time.sleep(0.1)
        until(60, lambda: call(second, "GET", "/ready")[0] == 200, "node 2 to be started again")
        again = node_pid(http_port + 1)
        assert again and again != victim, "node 2 answers, but not from a new process"
        log.flush()
        with open(os.path.join(work, "run.log"), "rb") as f:
            assert b"starting it again" in f.read(), "the launcher did not say it restarted node 2"
        print("[       OK ] " + name, flush=True)
        return 0
    except Exception as e:  # noqa: BLE001 - report whatever failed
        print("%s\n[  FAILED  ] %s" % (e, name), flush=True)
        log.flush()
        with open(os.path.join(work, "run.log"), "rb") as f:
            sys.stdout.write(f.read().decode(errors="replace")[-4000:])
        return 1
    finally:
        if stack and stack.poll() is None:
            os.killpg(stack.pid, signal.SIGINT)
            try:
                stack.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(stack.pid, signal.SIGKILL)
        pg_stop(work, "fast")


def run_killed_stack_test():
    work = tempfile.mkdtemp(prefix="hirehub-deploy-restart-")
    os.chmod(work, 0o755)
    http_port = free_ports(3)
    pg_port, kafka_port = http_port + 1, http_port + 2
    base = "http://127.0.0.1:%d" % http_port
    env = dict(os.environ, HIREHUB_VAR=os.path.join(work, "var"), HIREHUB_HTTP_PORT=str(http_port),
               HIREHUB_PG_PORT=str(pg_port), HIREHUB_KAFKA_PORT=str(kafka_port))
    env.pop("HIREHUB_DEV", None)
    log = open(os.path.join(work, "run.log"), "ab")
    name = "deploy_restart.killed_stack_started_again_notifies_every_application_once"
    print("[ RUN      ] " + name, flush=True)
    stack = None
    try:
        api_only = dict(env, HIREHUB_KAFKA_CONSUMERS="none")
        stack = start_stack(api_only, log)
        until(600, lambda: call(base, "GET", "/ready")[0] == 200, "the first stack to be ready")
        st, company = call(base, "POST", "/api/v1/auth/signup",
                           {"email": "hr@acme.example", "password": "correct horse 1", "role": "company",
                            "name": "Kim HR", "company": {"name": "Acme"}})
        assert st == 201, (st, company)
        st, job = call(base, "POST", "/api/v1/jobs", {"title": "Backend Engineer (C++)"},
                       token=company["access_token"])
        assert st == 201, (st, job)
        for i in range(APPLICATIONS):
            st, seeker = call(base, "POST", "/api/v1/auth/signup",
                              {"email": "seeker%d@example.com" % i, "password": "correct horse 2",
                               "role": "jobseeker", "name": "Seeker %d" % i})
            assert st == 201, (st, seeker)
            boundary = "hirehubtestboundary"
            form = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cv.txt\"\r\n"
                    "Content-Type: text/plain\r\n\r\nExperience\nC++ engineer, 5 years\nSkills\nC++, Kafka\r\n"
                    "--%s--\r\n" % (boundary, boundary)).encode()
            st, resume = call(base, "POST", "/api/v1/resumes", raw=form, token=seeker["access_token"],
                              content_type="multipart/form-data; boundary=" + boundary)
            assert st == 202, (st, resume)
            st, app = call(base, "POST", "/api/v1/applications", {"job_id": job["id"], "resume_id": resume["id"]},
                           token=seeker["access_token"])
            assert st == 201, (st, app)
        until(60, lambda: psql(pg_port, "SELECT count(*) FROM outbox WHERE topic = 'application.submitted' "
                                        "AND published_at IS NOT NULL") == str(APPLICATIONS),
              "the relay to publish every application")
        # The whole stack dies at once: the launcher, the node, the broker (its log with it),
        # and PostgreSQL with an immediate shutdown (no checkpoint: it recovers from its WAL).
        os.killpg(stack.pid, signal.SIGKILL)
        stack.wait()
        pg_stop(work, "immediate")
        time.sleep(0.5)
        notified = lambda: int(psql(pg_port, "SELECT count(*) FROM notifications WHERE event_type = "
                                             "'application.submitted' AND channel = 'in_app'"))
        stack = start_stack(env, log)
        until(600, lambda: call(base, "GET", "/ready")[0] == 200, "the second stack to be ready")
        until(90, lambda: notified() >= APPLICATIONS, "the company to be notified of every application")
        time.sleep(3)  # anything twice would have arrived by now
        st, inbox = call(base, "GET", "/api/v1/notifications?limit=100", token=company["access_token"])
        assert st == 200, (st, inbox)
        items = inbox if isinstance(inbox, list) else next(v for v in inbox.values() if isinstance(v, list))
        submitted = [n for n in items if n.get("event_type") == "application.submitted"]
        assert len(submitted) == APPLICATIONS, "the company has %d notifications of %d applications" % (
            len(submitted), APPLICATIONS)
        assert notified() == APPLICATIONS, "%d notifications for %d applications" % (notified(), APPLICATIONS)
        print("[       OK ] " + name, flush=True)
        return 0
    except Exception as e:  # noqa: BLE001 - report whatever failed
        print("%s\n[  FAILED  ] %s" % (e, name), flush=True)
        log.flush()
        with open(os.path.join(work, "run.log"), "rb") as f:
            sys.stdout.write(f.read().decode(errors="replace")[-4000:])
        return 1
    finally:
        if stack and stack.poll() is None:
            os.killpg(stack.pid, signal.SIGINT)
            try:
                stack.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(stack.pid, signal.SIGKILL)
        pg_stop(work, "fast")




if __name__ == "__main__":
    sys.exit(main())
