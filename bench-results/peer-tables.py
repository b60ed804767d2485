#!/usr/bin/env python3
"""Markdown tables for BENCHMARKS.md section 1 from peer-bench.py's --json files.

    peer-tables.py bench-results/lan-8.json bench-results/lan-32.json bench-results/lan-64.json

Prints the Java/Go ratios, the medians side by side, and every round.
"""
import json, os, re, sys

FIGS = [("converge_ms", "converge (ms)", 0), ("broadcast_ms", "broadcast (ms)", 0), ("meta_ms", "meta (ms)", 0),
        ("detect_ms", "detect (ms)", 0), ("steady_bytes_per_node_s", "bytes sent per node per s", 0),
        ("steady_cpu_ms_per_node_s", "CPU ms per node per s", 2)]


def size(path):
    return int(re.search(r"(\d+)", os.path.basename(path)).group(1))


def fmt(v, digits):
    return "n/a" if v is None else f"{v:.{digits}f}"


def main(paths):
    runs = [(size(p), json.load(open(p))) for p in paths]
    print("| Java/Go | " + " | ".join(f"{n} nodes" for n, _ in runs) + " |")
    print("| --- |" + " ---: |" * len(runs))
    for key, label, _ in FIGS:
        cells = []
        for _, d in runs:
            p, v = d["peer"][key], d["vs"][key]
            cells.append("n/a" if p is None or not v else f"{p / v:.2f}")
        print(f"| {label.split(' (')[0]} | " + " | ".join(cells) + " |")
    print()
    print("| median of the rounds | " + " | ".join(f"Java {n} | Go {n}" for n, _ in runs) + " |")
    print("| --- |" + " ---: | ---: |" * len(runs))
    for key, label, digits in FIGS:
        cells = []
        for _, d in runs:
            cells += [fmt(d["peer"][key], digits), fmt(d["vs"][key], digits)]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()
    print("| every round | Java | Go |")
    print("| --- | --- | --- |")
    for key, label, digits in FIGS:
        for n, d in runs:
            rows = []
            for side in ("peer", "vs"):
                rows.append(", ".join(fmt(r.get(key), digits) for r in d["rounds"][side]))
            print(f"| {label.split(' (')[0]}, {n} | {rows[0]} | {rows[1]} |")


if __name__ == "__main__":
    main(sys.argv[1:])
