import sys

from vraagbaak.cli import main

sys.exit(main())
