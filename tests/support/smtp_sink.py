#!/usr/bin/python3
"""A real SMTP server for tests (Debian's python3-aiosmtpd): every accepted
message is written to <dir>/<n>.eml (atomically). `--fail-first N` answers the
first N messages with 451 (a temporary failure the sender must retry);
`--reject RCPT` answers 550 (permanent) for that recipient.

    smtp_sink.py --port 2525 --dir /tmp/mail [--fail-first 2] [--reject bad@x]
"""
import argparse
import asyncio
import os
import signal

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, fail_first, reject):
        self.directory = directory
        self.fail_left = fail_first
        self.reject = reject
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_left > 0:
            self.fail_left -= 1
            return "451 4.3.0 try again later"
        self.count += 1
        path = os.path.join(self.directory, "%06d.eml" % self.count)
        with open(path + ".tmp", "wb") as f:
            f.write(("X-Envelope-To: %s\r\n" % ",".join(envelope.rcpt_tos)).encode())
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 OK queued"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--reject", action="append", default=[])
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    sink = Sink(a.dir, a.fail_first, [r.lower() for r in a.reject])
    ctl = Controller(sink, hostname="127.0.0.1", port=a.port)
    ctl.start()
    print("smtp sink listening on 127.0.0.1:%d" % a.port, flush=True)
    loop = asyncio.new_event_loop()
    stop = loop.create_future()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, lambda: stop.done() or stop.set_result(True))
    loop.run_until_complete(stop)
    ctl.stop()


if __name__ == "__main__":
    main()
