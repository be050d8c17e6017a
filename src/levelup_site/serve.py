"""`levelup serve`: build, serve on localhost, rebuild on change, reload the browser.

livereload watches the sources and injects its reload script into HTML responses;
the WSGI app here serves only files inside the preview folder, and while the last
build has problems it answers every page with an error page naming file and line,
so a broken edit shows in the browser and the server keeps running.
"""

from __future__ import annotations

import errno
import html
import mimetypes
import posixpath
import re
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote

from jinja2 import TemplateError
from tornado.ioloop import IOLoop

from .cache import BuildCache, code_salt
from .errors import SiteError, report
from .pipeline import Project, build
from .render import template_error

CSP_META = re.compile(rb'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')
# The build cache's index is written once no edit has come for this long: writing it
# takes a quarter of a second at 10,000 case studies, which an edit should not wait for.
IDLE_SECONDS = 0.5


class PreviewApp:
    """A WSGI app serving the preview folder, or the last build's problems."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.error: str | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return self._respond(start_response, "405 Method Not Allowed", b"Method not allowed\n", "text/plain")
        path = unquote(environ.get("PATH_INFO", "/"))
        if self.error is not None and path.endswith(("/", ".html")):
            return self._respond(start_response, "500 Internal Server Error", self._error_page(), "text/html")
        target = self.resolve(path)
        if target is None:
            missing = self.root / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"<html><head></head><body>Not found</body></html>"
            return self._respond(start_response, "404 Not Found", self._for_preview(body), "text/html")
        body = target.read_bytes()
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type == "text/html":
            body = self._for_preview(body)
        return self._respond(start_response, "200 OK", body, content_type)

    def resolve(self, url_path: str) -> Path | None:
        """The file for a URL path, or None if there is none inside the preview folder."""
        clean = posixpath.normpath("/" + url_path.lstrip("/"))
        if "\x00" in clean or "\\" in clean:
            return None
        candidate = self.root / clean.lstrip("/")
        if url_path.endswith("/") or candidate.is_dir():
            candidate = candidate / "index.html"
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        # Symlinks included: whatever the path says, the file must live inside the folder.
        if not resolved.is_relative_to(self.root) or not resolved.is_file():
            return None
        return resolved

    @staticmethod
    def _for_preview(body: bytes) -> bytes:
        # The published CSP forbids inline scripts; the preview needs livereload's.
        return CSP_META.sub(b"", body)

    def _error_page(self) -> bytes:
        text = html.escape(self.error or "")
        return (
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Build problems – levelup serve</title>"
            "<style>body{font:1.1rem/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}"
            "pre{background:#fff3c4;border-left:6px solid #d4351c;padding:1rem;white-space:pre-wrap}</style>"
            "</head><body><main><h1>The site could not be built</h1>"
            "<p>Fix the problems below and save; this page reloads by itself.</p>"
            f"<pre>{text}</pre></main></body></html>"
        ).encode()

    @staticmethod
    def _respond(start_response: Callable, status: str, body: bytes, content_type: str) -> list[bytes]:
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
        return [body]


class Preview:
    """Builds the site into the preview folder and remembers the last outcome."""

    def __init__(self, project: Project, output: Path, base_url: str, log=print, search: bool = False):
        self.search = search
        self.cache = BuildCache.open(project.root, code_salt())
        self.cache.defer_writing = True  # kept in memory from build to build; see `write_cache`
        self.project = project
        self.output = output
        self.base_url = base_url
        self.app = PreviewApp(output)
        self.log = log

    def rebuild(self, *_changed) -> bool:
        started = time.perf_counter()
        try:
            result = build(self.project, self.output, base_url=self.base_url, drafts=True, search=self.search,
                           cache=self.cache)
        except SiteError as error:
            self.app.error = error.report("the preview shows the last good build")
            self.log(self.app.error)
            return False
        except TemplateError as error:
            self.app.error = template_error(error)
            self.log(self.app.error)
            return False
        except Exception as error:  # noqa: BLE001 - a template mistake must not stop the preview
            self.app.error = f"{type(error).__name__}: {error}"
            self.log(self.app.error)
            return False
        self.app.error = None
        if result.search_seconds is not None:
            # The search index is not among the files whose sizes and times the index on
            # disk keeps: it must not be left vouching for the search index it replaced.
            self.write_cache()
        if result.warnings:
            self.log(report(list(result.warnings)))
        self.log(f"Rebuilt {result.case_studies} case studies in {time.perf_counter() - started:.2f} s")
        return True

    def write_cache(self) -> None:
        """Write the build cache's index, if a rebuild changed it since it was last written."""
        self.cache.write_deferred()


def serve(project: Project, output: Path, host: str, port: int, search: bool = False) -> int:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    from .watch import ChangeWatcher

    if not port_is_free(host, port):
        print(port_taken_message(host, port), file=sys.stderr)
        return 1
    base_url = f"http://{host}:{port}/"
    preview = Preview(project, output, base_url, log=lambda text: print(text, file=sys.stderr, flush=True),
                      search=search)
    preview.rebuild()
    preview.write_cache()  # no edit is waiting yet

    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # reload after every rebuild, not at most every 3 s
    server = Server(app=preview.app, watcher=ChangeWatcher())
    idle = IdleTimer(IDLE_SECONDS, preview.write_cache)

    def rebuild(changed: list[str] | None = None) -> None:
        preview.rebuild(changed)
        idle.restart()

    # The site's own folders, even before they exist; not the theme inside the package.
    for folder in (project.content, *project.own_folders):
        server.watch(str(folder), rebuild)
    # Stopped by a signal, the server still writes the cache on its way out.
    signal.signal(signal.SIGTERM, lambda *_: IOLoop.current().add_callback_from_signal(IOLoop.current().stop))
    print(f"Serving the preview at {base_url} (drafts included). Press Ctrl-C to stop.", flush=True)
    try:
        server.serve(host=host, port=port, debug=False, restart_delay=0)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(port_taken_message(host, port), file=sys.stderr)
            return 1
        raise
    finally:
        preview.write_cache()
    return 0


class IdleTimer:
    """Calls `action` once, `seconds` after the last `restart`."""

    def __init__(self, seconds: float, action: Callable[[], None]):
        self.seconds = seconds
        self.action = action
        self._pending: object | None = None

    def restart(self) -> None:
        loop = IOLoop.current()
        if self._pending is not None:
            loop.remove_timeout(self._pending)
        self._pending = loop.call_later(self.seconds, self._fire)

    def _fire(self) -> None:
        self._pending = None
        self.action()


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def port_taken_message(host: str, port: int) -> str:
    return (f"Port {port} on {host} is already in use. Stop the program using it, "
            f"or choose another port with --port.")
