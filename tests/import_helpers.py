"""Helpers for the import tests: session-wide fixture documents, a snapshot of a workspace's files,
and a real HTTP server on 127.0.0.1 whose pages a test can change."""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from pathlib import Path


def snapshot(root: Path) -> dict[str, str]:
    """Every file below `root` with its SHA-256: compare two to prove nothing was written."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


class Site:
    """Pages served by a real HTTP server on 127.0.0.1: path → (status, headers, body[, delay])."""

    def __init__(self):
        self.pages: dict[str, tuple] = {}
        self.requests: list[str] = []
        self.hosts: list[str] = []          # the Host header of each request
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append(self.path)
                site.hosts.append(self.headers.get("Host"))
                status, headers, body, *delay = site.pages.get(self.path, (404, {}, b"not here"))
                if delay:
                    time.sleep(delay[0])
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
