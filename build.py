"""Build the site: `python build.py [--content DIR] [--output DIR] [--base-url URL] [--drafts]`.

The same as `levelup build`; kept so the site builds with nothing but a checkout.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from levelup_site.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
