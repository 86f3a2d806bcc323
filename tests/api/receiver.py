"""A webhook receiver (or any JSON server) on 127.0.0.1 for the tests: records each request; can be "down"."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, handle=None):
        self.requests: list[dict] = []
        self.down = False
        self.handle = handle  # optional (path, body) -> (status, dict); default 200 {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if receiver.down:
                    status, answer = 503, {"detail": "down"}
                else:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    status, answer = receiver.handle(self, body) if receiver.handle else (200, {})
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
