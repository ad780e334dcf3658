"""Installs the named tools into this Python at exactly the versions
scripts/requirements-dev.txt pins, doing nothing when they already match.
A tool the file does not pin is an error: no unpinned or "latest" install.

    $VENV/bin/python scripts/pinned.py maturin pytest numpy
"""
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent / "requirements-dev.txt"


def pins() -> dict[str, str]:
    out = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, want = line.split("==", 1)
            out[name.strip().lower()] = want.strip()
    return out


def main(names: list[str]) -> int:
    pinned = pins()
    unknown = [n for n in names if n.lower() not in pinned]
    if unknown:
        print(f"error: {REQUIREMENTS} pins no {', '.join(unknown)}", file=sys.stderr)
        return 1
    stale = []
    for name in names:
        want = pinned[name.lower()]
        try:
            have = version(name)
        except PackageNotFoundError:
            have = None
        if have != want:
            stale.append(f"{name}=={want}")
    if stale:
        print(f"installing pinned {' '.join(stale)}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *stale], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
