"""The lock: every dependency pyproject.toml names is pinned, with hashes, in requirements/lock.txt."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCK = (REPO / "requirements" / "lock.txt").read_text(encoding="utf-8")
PINNED = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", re.MULTILINE)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    return {normalise(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]) for requirement in requirements}


def test_every_declared_dependency_is_pinned():
    pinned = {normalise(name) for name, _ in PINNED.findall(LOCK)}
    missing = declared() - pinned
    assert not missing, f"not in requirements/lock.txt: {sorted(missing)}; run `bash scripts/lock`"


def test_every_pin_carries_a_hash():
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.strip())
    unhashed = [entry.split()[0] for entry in entries if "==" in entry and "--hash=sha256:" not in entry]
    assert not unhashed
