#!/usr/bin/env python3
"""Prints the criterion results under target/criterion as a Markdown table: for every group and
input, the median time per iteration (criterion's `median` point estimate of the last run), the
throughput in input bytes, and the ratio of the group's throughput to the baseline group's
(`baseline_memchr_split_and_ids`) and to the peer's (`peer_fixed_width_serde`) on the same input,
measured in the same run when the groups were run together.

Usage: python3 tools/criterion_table.py [CRITERION_DIR] [GROUP ...]
(default directory: target/criterion; default groups: every group found, baseline first).
"""
import json
import os
import sys

BASELINE = "baseline_memchr_split_and_ids"
PEER = "peer_fixed_width_serde"


def load(root):
    out = {}
    for group in sorted(os.listdir(root)):
        gdir = os.path.join(root, group)
        if not os.path.isdir(gdir) or group == "report":
            continue
        for inp in sorted(os.listdir(gdir)):
            new = os.path.join(gdir, inp, "new")
            try:
                with open(os.path.join(new, "estimates.json")) as f:
                    est = json.load(f)
                with open(os.path.join(new, "benchmark.json")) as f:
                    bench = json.load(f)
            except (OSError, ValueError):
                continue
            median_ns = est["median"]["point_estimate"]
            tp = (bench.get("throughput") or {}).get("Bytes")
            out[(group, inp)] = (median_ns, tp)
    return out


def human_time(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3g} {unit}" if ns / div < 100 else f"{ns / div:.1f} {unit}"
    return f"{ns:.0f} ns"


def human_rate(bytes_per_s):
    gib = bytes_per_s / (1 << 30)
    return f"{gib:.2f} GiB/s" if gib >= 1 else f"{bytes_per_s / (1 << 20):.0f} MiB/s"


def main():
    args = sys.argv[1:]
    root = args.pop(0) if args and os.path.isdir(args[0]) else "target/criterion"
    data = load(root)
    groups = args or sorted({g for g, _ in data}, key=lambda g: (g != BASELINE, g != PEER, g))
    inputs = sorted({i for _, i in data}, key=lambda i: (len(i.split("_")[0]), i))
    print("| group | input | median | throughput | × baseline | × peer |")
    print("|---|---|---|---|---|---|")
    for g in groups:
        for i in inputs:
            if (g, i) not in data:
                continue
            ns, tp = data[(g, i)]
            rate = tp / (ns / 1e9) if tp else None
            ratio = lambda other: (
                f"{data[(other, i)][0] / ns:.3f}" if (other, i) in data and other != g else ""
            )
            print(
                f"| `{g}` | {i} | {human_time(ns)} | {human_rate(rate) if rate else ''} | "
                f"{ratio(BASELINE)} | {ratio(PEER)} |"
            )


if __name__ == "__main__":
    main()
