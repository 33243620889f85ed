"""How long `township --help` takes (the CLI must answer in under 0.5 s).

    python benchmarks/cli_startup.py [--runs 10]

Runs the installed console script in fresh processes and prints the median and
worst wall time; also lists any heavy module the CLI imported at start-up.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    a = ap.parse_args()
    exe = shutil.which("township") or str(Path(sys.executable).with_name("township"))
    times = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        subprocess.run([exe, "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    heavy = subprocess.run(
        [sys.executable, "-c", "import sys, flows.cli; print([m for m in ('prefect', 'great_expectations', "
         "'pandas', 'sqlalchemy', 'bs4') if m in sys.modules])"], capture_output=True, text=True, check=True)
    print(f"township --help: median {statistics.median(times):.3f} s, worst {max(times):.3f} s "
          f"over {a.runs} runs; heavy modules imported: {heavy.stdout.strip()}")


if __name__ == "__main__":
    main()
