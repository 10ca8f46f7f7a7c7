"""Run a `scraper` command under tracemalloc and dump the snapshot taken nearest its traced peak.

    python bench/trace_crawl.py SNAPSHOT_FILE crawl --config ... (used by bench_hosts.py --trace)

A watcher thread samples the traced size every 0.2 s and takes a snapshot whenever it is 5% over the largest
seen so far, so the dump shows what was alive at (about) the peak, not at the end of the run.
"""

from __future__ import annotations

import sys
import threading
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class PeakWatcher(threading.Thread):
    """Keeps the snapshot of the largest traced heap seen."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.largest = 0
        self.snapshot: tracemalloc.Snapshot | None = None
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            current, _ = tracemalloc.get_traced_memory()
            if current > self.largest * 1.05:
                self.largest, self.snapshot = current, tracemalloc.take_snapshot()


def main(dump: str, args: list[str]) -> None:
    from scraper.cli import cli

    tracemalloc.start(1)
    watcher = PeakWatcher()
    watcher.start()
    try:
        cli(args, standalone_mode=False)
    finally:
        watcher.done.set()
        watcher.join()
        _, peak = tracemalloc.get_traced_memory()
        assert watcher.snapshot is not None
        watcher.snapshot.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)]).dump(dump)
        print(
            f"traced peak {peak / 2**20:.1f} MiB, snapshot at {watcher.largest / 2**20:.1f} MiB", flush=True
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
