"""Start the Vraagbaak chat: builds or updates the index when needed, then serves the UI.

    python app.py            # http://127.0.0.1:7860
"""
import logging
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.assistant import Assistant  # noqa: E402
from assistant.ui import launch  # noqa: E402


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    assistant = Assistant()
    if assistant.needs_index():
        from tqdm import tqdm

        print("De index ontbreekt of is verouderd; bezig met indexeren…", file=sys.stderr)
        with tqdm(total=100, desc="indexeren", unit="%") as bar:
            report = assistant.ensure_index(progress=lambda f, m: bar.update(max(0, int(f * 100) - bar.n)))
        print(f"Index klaar: {report.documents} documenten, {report.chunks} passages.", file=sys.stderr)
    print(f"Vraagbaak draait op http://{assistant.settings.host}:{assistant.settings.port}", file=sys.stderr)
    launch(assistant)


if __name__ == "__main__":
    main()
