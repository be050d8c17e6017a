"""Build the site: `python build.py [--content DIR] [--output DIR] [--base-url URL] [--drafts]`.

The same as `levelup build`, from a checkout without installing levelup itself; the
packages it uses (Jinja2, PyYAML, ...) must be installed, and if one is missing it
says so in one line.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

try:
    from levelup_site.cli import main
except ModuleNotFoundError as missing:
    if (missing.name or "").partition(".")[0] == "levelup_site":
        raise  # levelup's own code is broken: that needs the traceback
    sys.exit(f"build.py: levelup needs its packages ({missing.name} is missing): "
             "run `python -m pip install -e .` in this folder")

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
