"""The page a browser gets while the app prepares itself (the model, OCR, the passages) before the chat can
start: on the first run that took over a minute of "connection refused". A small standard-library server on
the app's own port says in Dutch what is being prepared and how far it is, and reloads itself; once the chat
starts on that port, the reload shows the chat. Other requests get 503 with a Dutch reason. May import: kernel.
"""
from __future__ import annotations

import html
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from vraagbaak.web.routes import SECURITY_HEADERS

RELOAD_S = 2


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a browser that reloads mid-answer: nothing to report
        pass
BUSY = "Vraagbaak wordt voorbereid; probeer het over een paar seconden opnieuw."


class PreparingPage:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.fraction, self.message = 0.0, "starten…"
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> bool:
        """Serve the page; False where the port cannot be taken (the chat will say so when it starts)."""
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server name
                self._answer(include_body=True)

            def do_HEAD(self):  # noqa: N802
                self._answer(include_body=False)

            def do_POST(self):  # noqa: N802
                self._send(503, BUSY.encode(), "text/plain; charset=utf-8", True)

            def _answer(self, include_body: bool):
                if self.path.split("?")[0] in ("/", "/index.html"):
                    self._send(200, page.html().encode(), "text/html; charset=utf-8", include_body)
                else:
                    self._send(503, BUSY.encode(), "text/plain; charset=utf-8", include_body)

            def _send(self, status: int, body: bytes, kind: str, include_body: bool):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Retry-After", str(RELOAD_S))
                for name, value in SECURITY_HEADERS:
                    self.send_header(name.decode(), value.decode())
                self.end_headers()
                if include_body:
                    self.wfile.write(body)

            def log_message(self, *args):  # no request lines in the console (and no addresses in the log)
                pass

        try:
            self._server = _QuietServer((self.host, self.port), Handler)
        except OSError:
            return False
        threading.Thread(target=self._server.serve_forever, name="voorbereiden", daemon=True).start()
        return True

    def update(self, fraction: float, message: str) -> None:
        self.fraction, self.message = max(0.0, min(1.0, fraction)), message

    def log_handler(self) -> logging.Handler:
        """Vraagbaak's own log lines (the model being converted, which takes ~40 s once) as the current step."""
        page = self

        class ToPage(logging.Handler):
            def emit(self, record):  # without the server's folders ("…: /home/…")
                page.message = record.getMessage().split(": /")[0]
        handler = ToPage(logging.INFO)
        return handler

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def html(self) -> str:
        percent = round(self.fraction * 100)
        return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{RELOAD_S}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Vraagbaak wordt voorbereid</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#111}}
progress{{width:100%;height:1.2em}}</style></head>
<body><main><h1>Vraagbaak wordt voorbereid</h1>
<p>De app leest de documenten en maakt de zoekindex; het zoekmodel wordt zo nodig eerst klaargezet. Daarna
verschijnt hier vanzelf het gesprek.</p>
<p><label for="voortgang">Voortgang: {percent}%</label><br>
<progress id="voortgang" max="100" value="{percent}">{percent}%</progress></p>
<p id="stap" aria-live="polite">Nu: {html.escape(self.message)}</p>
</main></body></html>
"""
