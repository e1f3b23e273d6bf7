"""The preview's web server: 127.0.0.1 only, a fixed set of pages, server-sent events.

Every request must name this server in its Host header (`127.0.0.1:PORT` or
`localhost:PORT`), which defeats DNS rebinding. Only GET is served, and only
these paths: the page (`/`), its script and stylesheet from the package
(`/_/…`), the brief (`/brief.html`, `/brief.pdf`) and its fonts and images
(`/_/asset/HASH`, each read from the theme through the path rules), its state (`/state.json`),
the event stream (`/events`) and the source view of a source the brief cites
(`/source/ID`); no file is served by its path and nothing is listed. Each
response forbids scripts from elsewhere (Content-Security-Policy). A watch
thread (watchfiles, as `briefwright watch`) refreshes the session on any change
of an input.
"""

from __future__ import annotations

import json
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..regen.watch import is_input
from ..corpus.passages import paragraph_label
from .pages import problems_html, quotations_panel, source_view
from .session import PreviewSession, Snapshot

STATIC = {"preview.js": "text/javascript", "preview.css": "text/css", "index.html": "text/html"}
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
          "img-src 'self' data:; frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
          "frame-ancestors 'self'")
KEEPALIVE_SECONDS = 15


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, session: PreviewSession, port: int = 0):
        self.session = session
        super().__init__(("127.0.0.1", port), PreviewHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def allowed_hosts(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # the terminal shows the brief's news, not every request
        pass

    def do_GET(self):
        if self.headers.get("Host", "") not in self.server.allowed_hosts():
            return self._send(HTTPStatus.MISDIRECTED_REQUEST, b"this preview answers only to its own address\n",
                              "text/plain")
        url = urlsplit(self.path)
        session, path = self.server.session, url.path
        if path == "/":
            return self._static("index.html")
        if path.startswith("/_/") and path[3:] in STATIC:
            return self._static(path[3:])
        asset = session.assets.get(path[len("/_/asset/"):]) if path.startswith("/_/asset/") else None
        if asset is not None:  # (media type, bytes) of a font or image the brief uses now
            return self._send(HTTPStatus.OK, asset[1], asset[0], cache="max-age=86400, immutable")
        if path == "/events":
            return self._events(session)
        snapshot = session.current
        if path == "/state.json":
            return self._send(HTTPStatus.OK, json.dumps(state(session, snapshot)).encode("utf-8"), "application/json")
        if path == "/brief.html" and snapshot.ok:
            return self._send(HTTPStatus.OK, snapshot.html.encode("utf-8"), "text/html; charset=utf-8")
        if path == "/brief.pdf" and snapshot.pdf:
            return self._send(HTTPStatus.OK, snapshot.pdf, "application/pdf")
        if path.startswith("/source/"):
            page = self._source_page(snapshot, path[len("/source/"):], parse_qs(url.query))
            if page is not None:
                return self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")
        return self._send(HTTPStatus.NOT_FOUND, b"not part of this brief\n", "text/plain")

    def do_POST(self):
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"the preview only shows\n", "text/plain")

    do_PUT = do_DELETE = do_PATCH = do_POST

    def _static(self, name: str):
        data = (resources.files("briefwright.preview") / "static" / name).read_bytes()
        self._send(HTTPStatus.OK, data, STATIC[name] + "; charset=utf-8")

    def _source_page(self, snapshot: Snapshot, source_id: str, query: dict) -> str | None:
        """The source view of a source the brief cites (None for anything else)."""
        checked = snapshot.checked
        if checked is None:
            return None
        note = _number(query.get("note"))
        item_number = _number(query.get("item")) or 0
        cited = {item.source_id for group in checked.notes for item in group.items}
        source = snapshot.pipeline.corpus.find(source_id) if source_id in cited else None
        if source is None or source.id != source_id:
            return None
        group = checked.notes[note - 1] if note and 0 < note <= len(checked.notes) else None
        item = group.items[item_number] if group and item_number < len(group.items) else None
        if item is not None and item.source_id != source_id:
            group = item = None
        passage = snapshot.item_passages.get((group.number, item_number)) if group else None
        drifts = [drift.message() for drift in checked.drifts if drift.record.source == source_id
                  and drift.kind != "unchanged"]
        return source_view(source, group.number if group else None, passage, item.paragraphs if item else None,
                           drifts, snapshot.locked)

    def _events(self, session: PreviewSession):
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", POLICY)
        self.end_headers()
        generation = -1
        try:
            while True:
                now = session.wait_for_change(generation, KEEPALIVE_SECONDS)
                if session.stopping:
                    return
                if now == generation:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    generation = now
                    self.wfile.write(f"event: update\ndata: {now}\n\n".encode("ascii"))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def _send(self, status: HTTPStatus, body: bytes, kind: str, cache: str = "no-store"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Security-Policy", POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        self.wfile.write(body)


def _number(values: list[str] | None) -> int | None:
    """A query's number: ASCII digits only (`"²".isdigit()` is true, and `int` refuses it)."""
    return int(values[0]) if values and re.fullmatch(r"[0-9]{1,9}", values[0]) else None


def state(session: PreviewSession, snapshot: Snapshot) -> dict:
    """What the page shows besides the brief: problems, the quotations panel, the PDF's progress."""
    return {
        "generation": session.generation,
        "version": snapshot.version,
        "ok": snapshot.ok,
        "problems": str(problems_html(snapshot.problems)) if snapshot.problems else "",
        "panel": str(quotations_panel(quotation_rows(snapshot))) if snapshot.ok else "",
        "seconds": round(snapshot.seconds, 3),
        "pdf": "ready" if snapshot.pdf else snapshot.pdf_problem or ("laying out" if snapshot.ok else "none"),
        "pdf_seconds": round(snapshot.pdf_seconds, 3),
        "title": snapshot.checked.outline.title if snapshot.checked else "",
    }


def quotation_rows(snapshot: Snapshot) -> list[dict]:
    """One row per cited source of each note: where, what kind of citation, and its status."""
    rows, checked = [], snapshot.checked
    moved = {(d.record.source, d.record.first): d for d in checked.drifts if d.kind != "unchanged"}
    for group in checked.notes:
        for k, item in enumerate(group.items):
            passage = snapshot.item_passages.get((group.number, k))
            span = (passage.first, passage.last) if passage else item.paragraphs
            kind = ("quotation" if k == 0 and group.number in snapshot.passages else "evidence" if item.evidence else
                    "locator" if item.paragraphs else "whole source")
            drift = next((d for (source, first), d in moved.items()
                          if source == item.source_id and span and d.paragraphs and d.paragraphs[0] == span[0]), None)
            rows.append({"note": group.number, "source": item.source_id, "kind": kind,
                         "where": paragraph_label(*span) if span else "—",
                         "href": f"/source/{item.source_id}?note={group.number}&item={k}#passage",
                         "status": drift.kind if drift else "verified",
                         "status_class": "drift" if drift else "ok"})
    return rows


def watch_inputs(session: PreviewSession, stop: threading.Event) -> None:
    """Refresh the session after every batch of changes to an input (outline, seeds, catalog, templates)."""
    from watchfiles import watch

    workspace = session.workspace
    for _ in watch(workspace.root, watch_filter=lambda change, path: is_input(workspace, Path(path)),
                   stop_event=stop, raise_interrupt=False, debounce=50, step=20):
        session.refresh()


def serve(session: PreviewSession, port: int, echo=print) -> None:
    """Serve the preview in the foreground until Ctrl-C."""
    server = PreviewServer(session, port)
    stop = threading.Event()
    session.refresh()
    session.start_pdf_worker()
    watcher = threading.Thread(target=watch_inputs, args=(session, stop), name="preview-watch", daemon=True)
    watcher.start()
    echo(f"preview of {session.outline.name} at {server.url} (Ctrl-C to stop)")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        session.stop()
        server.server_close()
