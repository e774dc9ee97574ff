"""A local HireHub stack for scripts (tests/deploy_restart.py, bench/chaos.py):
./deploy/run.sh with a state directory and ports of its own, plain HTTP calls, psql
and pg_ctl against its PostgreSQL."""
import json
import os
import random
import socket
import subprocess
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def free_ports(n):
    """A base port with `n` free ports from it, below the kernel's range for outgoing
    connections (which could take base + 1 while the first node starts)."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low = int(f.read().split()[0])
    rnd = random.Random()
    for _ in range(1000):
        base = rnd.randrange(10000, low - n)
        socks = []
        try:
            for i in range(n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", base + i))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no %d free ports in a row" % n)


def call(base, method, path, body=None, token=None, headers=None, raw=None, content_type="application/json",
         timeout=30, with_headers=False):
    """(status, parsed body); with `with_headers`, (status, (parsed body, response headers))."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read().decode()
            parsed = json.loads(text) if text else None
            return r.status, ((parsed, dict(r.headers)) if with_headers else parsed)
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        parsed = json.loads(text) if text.startswith("{") else text
        return e.code, ((parsed, dict(e.headers)) if with_headers else parsed)


def until(seconds, pred, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if pred():
                return
        except Exception:  # the stack is still starting
            pass
        time.sleep(0.3)
    raise AssertionError("timed out waiting for " + what)


def psql(pg_port, sql):
    """Runs `sql` (read from stdin: it may be longer than a command line) as hirehub."""
    cmd = ["psql", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "hirehub", "-d", "hirehub", "-qtA", "-v",
           "ON_ERROR_STOP=1"]
    if os.getuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    out = subprocess.run(cmd, input=sql, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def start_stack(env, log, *args):
    return subprocess.Popen([os.path.join(ROOT, "deploy", "run.sh")] + list(args or ["--no-restart"]), cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def node_pid(http_port):
    """The pid of the `hirehub serve` listening on http_port (from /proc: its environment names the port)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().split(b"\0")
            with open("/proc/%s/environ" % pid, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmd and ("HIREHUB_HTTP_PORT=%d" % http_port).encode() in env:
            return int(pid)
    return None


def pg_stop(work, mode):
    data = os.path.join(work, "var", "pg")
    bindir = sorted(d for d in os.listdir("/usr/lib/postgresql"))[-1]
    cmd = [os.path.join("/usr/lib/postgresql", bindir, "bin", "pg_ctl"), "-D", data, "-m", mode, "-w", "stop"]
    if os.getuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    subprocess.run(cmd, check=False, capture_output=True)


def pg_start(work, port):
    """Starts the stack's PostgreSQL again (stopped with pg_stop) on its port."""
    data = os.path.join(work, "var", "pg")
    bindir = sorted(d for d in os.listdir("/usr/lib/postgresql"))[-1]
    log = os.path.join(work, "var", "log", "postgres.log")
    cmd = [os.path.join("/usr/lib/postgresql", bindir, "bin", "pg_ctl"), "-D", data, "-w", "-l", log, "-o",
           "-p %d" % port, "start"]
    if os.getuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    # The server keeps the descriptors it inherits: no pipes, or waiting for their end never ends.
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sign_token(secret, sub, role, ttl=7200):
    """An HS256 access token, as the nodes sign them (gateway/jwt.cpp)."""
    import base64
    import hashlib
    import hmac

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    now = int(time.time())
    claims = {"sub": sub, "role": role, "iss": "hirehub", "iat": now, "exp": now + ttl}
    if role == "company":
        claims["company_id"] = sub
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + b"." + b64(json.dumps(claims).encode())
    sig = b64(hmac.new(secret.encode(), head, hashlib.sha256).digest())
    return (head + b"." + sig).decode()


def pid_of(pattern):
    """The pid of the process whose command line contains `pattern`, or None."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if pattern.encode() in f.read().replace(b"\0", b" "):
                    return int(pid)
        except OSError:
            continue
    return None
