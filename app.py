"""Start the Vraagbaak chat: builds or updates the index when needed, then serves the UI.

    python app.py            # http://127.0.0.1:7860
"""
import ctypes
import logging
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives every thread that allocates its own malloc arena; with the web server's worker threads and
    torch that let RSS creep up under load (scripts/soak.py). Two arenas keep it flat. Before any thread
    starts; a no-op where the C library is not glibc."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # -8: M_ARENA_MAX
    except (OSError, AttributeError):
        pass


limit_malloc_arenas()
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from vraagbaak.assistant import Assistant  # noqa: E402
from vraagbaak.cli import INTERRUPTED, stop_on_sigterm  # noqa: E402
from vraagbaak.index.versions import IndexError_, has_usable_version  # noqa: E402
from vraagbaak.web.log_limits import CappedStream  # noqa: E402


def configure_logging(level: str) -> None:
    """Vraagbaak's own Dutch lines at INFO; the libraries' (faiss "Could not load library with AVX512 support",
    which is no error, httpx's request lines) only from WARNING, unless VRAAGBAAK_LOG_LEVEL=debug."""
    debug = level.strip().lower() == "debug"
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(message)s")
    logging.getLogger("vraagbaak").setLevel(logging.DEBUG if debug else logging.INFO)


def update_index(assistant: Assistant) -> None:
    """Bring the index up to date. Whatever the corpus holds, the app then serves the last good index:
    failing files are reported per file, and a failed run leaves the previous version in place. Meanwhile
    a browser on the app's address gets a Dutch page that says how far it is (web/first_run.py)."""
    from tqdm import tqdm

    from vraagbaak.web.first_run import PreparingPage

    if not assistant.needs_index():
        return
    print("De index ontbreekt of is verouderd; bezig met indexeren…", file=sys.stderr)
    page = PreparingPage(assistant.settings.host, assistant.settings.port)
    page.start()

    def progress(fraction: float, message: str) -> None:
        bar.update(max(0, int(fraction * 100) - bar.n))
        page.update(fraction, message)

    to_page = page.log_handler()
    logging.getLogger("vraagbaak").addHandler(to_page)
    try:
        with tqdm(total=100, desc="indexeren", unit="%") as bar:
            report = assistant.build_index(progress=progress)
    finally:
        logging.getLogger("vraagbaak").removeHandler(to_page)
        page.stop()  # the chat takes the port
    print(f"Index klaar: {report.documents} documenten, {report.chunks} passages.", file=sys.stderr)
    for name, reason in sorted(report.failed.items()):
        print(f"  overgeslagen: {name}: {reason}", file=sys.stderr)


def launch(assistant: Assistant) -> None:
    """Serve the chat. The model and index start loading first: they release the GIL, so they load on the
    other core while Gradio is imported (~2 s on 2 cores; docs/performance.md)."""
    assistant.start_warm_up()
    from vraagbaak.web.ui import launch as serve

    serve(assistant)


def main() -> int:
    sys.stderr = CappedStream(sys.stderr)  # before logging takes the stream: one request, a few lines at most
    configure_logging(os.environ.get("VRAAGBAAK_LOG_LEVEL", ""))
    stop_on_sigterm()  # docker stop: leave the index as it was, also as PID 1
    assistant = Assistant()
    try:
        update_index(assistant)
    except KeyboardInterrupt:  # Ctrl-C or docker stop while indexing: the index is as it was
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except (IndexError_, OSError) as err:
        print(f"Bijwerken van de index is mislukt: {err}", file=sys.stderr)
        if not has_usable_version(assistant.settings.index_dir):
            print("Er is geen bruikbare index; de app start niet. Los het bovenstaande op en start opnieuw. / "
                  "No usable index; the app does not start.", file=sys.stderr)
            return 2
        print("De app gebruikt de vorige index. / Serving the previous index.", file=sys.stderr)
    print(f"Vraagbaak draait op http://{assistant.settings.host}:{assistant.settings.port}", file=sys.stderr)
    launch(assistant)
    return 0


if __name__ == "__main__":
    sys.exit(main())
