"""`python -m assistant …` is `python -m vraagbaak …`, with a notice on stderr (scripts read stdout)."""
import sys

from vraagbaak.cli import main

print("Let op: `python -m assistant` is verouderd en verdwijnt in een volgende versie; gebruik "
      "`python -m vraagbaak` (zelfde opdrachten en uitvoer).", file=sys.stderr)
sys.exit(main())
