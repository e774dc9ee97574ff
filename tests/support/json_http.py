"""What the tests' Python HTTP servers share: a quiet handler that answers
JSON, and serving on loopback until SIGTERM."""
import json
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JsonHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def json_body(self):
        """The request's JSON body, or None when it is not JSON."""
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            return json.loads(body)
        except ValueError:
            return None


def serve(port, handler, banner):
    srv = ThreadingHTTPServer(("127.0.0.1", port), handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=srv.shutdown).start())
    print("%s listening on 127.0.0.1:%d" % (banner, port), flush=True)
    srv.serve_forever()
