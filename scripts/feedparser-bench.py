#!/usr/bin/env python3
"""feedparser's side of the feed parsing benchmark (Benchmarks/Feed, run by `scripts/bench feed`).

    feedparser-bench.py MANIFEST.json

MANIFEST is what FeedBenchmark writes: {"minimumSeconds": 2, "datasets": [{"name": ...,
"files": [{"path": ..., "headers": {"content-type": ...}}]}]}. Timed exactly as the Swift side:
each dataset's bytes read into memory, the peak resident set reset, one warm-up round that
counts the entries, then whole rounds of feedparser.parse(bytes, response_headers=headers)
until at least minimumSeconds of CPU time have passed (CPU time on both sides, so that other
work on a shared machine counts against neither). Prints {name: {files, bytes, items, rounds, seconds,
peakMB}} as JSON.
"""

import json
import sys
import time

import feedparser


def reset_peak() -> None:
    """Start a new VmHWM, as the Swift side does (Linux /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_mb() -> float:
    """Peak resident set since the last reset, in MB (VmHWM)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(files: list, minimum_seconds: float) -> dict:
    documents = []
    for file in files:
        with open(file["path"], "rb") as f:
            documents.append((f.read(), file["headers"]))
    reset_peak()
    items = sum(len(feedparser.parse(data, response_headers=headers).entries) for data, headers in documents)
    rounds = 0
    start = time.process_time()
    while True:
        for data, headers in documents:
            feedparser.parse(data, response_headers=headers)
        rounds += 1
        if time.process_time() - start >= minimum_seconds:
            break
    seconds = time.process_time() - start
    return {"files": len(documents), "bytes": sum(len(data) for data, _ in documents), "items": items,
            "rounds": rounds, "seconds": seconds, "peakMB": peak_mb()}


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    results = {dataset["name"]: measure(dataset["files"], manifest["minimumSeconds"]) for dataset in manifest["datasets"]}
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
