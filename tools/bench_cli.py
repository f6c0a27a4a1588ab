#!/usr/bin/env python3
"""Whole-process benchmark of the `ace-pga` commands against `wc -l` (issue 13, item 8).

Usage: tools/bench_cli.py BINARY INPUT [RUNS] [COMMAND ...]

Runs `wc -l INPUT` and each command (default: stats check dump decode fix encode) RUNS times
(default 3) with its output sent to a file under the system's temporary folder, and prints a
Markdown table: the median wall time, the throughput of input bytes, the ratio of the median
to the median of `wc -l` measured in the same run, and the largest peak RSS of the runs (GNU
time's `%M`, see `run`). `encode` reads the JSON `decode` wrote in this run;
its throughput and ratio are of that JSON's bytes, and its row also gives the peak RSS as a
multiple of the JSON's size. Commands run one after another, never at the same time.

Make a large input with `tools/gen_large.py spec-samples/valid/or2-multi.txt 300 /tmp/big.txt`.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = ["stats", "check", "dump", "decode", "fix", "encode"]


TIME = "/usr/bin/time"


def run(argv, out_path):
    """Runs argv once; returns (seconds, peak RSS in KiB, exit status).

    The peak RSS comes from GNU time (`/usr/bin/time -f %M`) when it is installed: a child
    forked by Python counts Python's own pages until it execs (about 14 MB), a child of the
    small `time` program does not. Without it, `os.wait4`'s `ru_maxrss` is used (a floor of
    Python's size)."""
    rss_file = out_path + ".rss"
    timed = os.path.exists(TIME)
    if timed:
        argv = [TIME, "-f", "%M", "-o", rss_file, *argv]
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss
    if timed:
        with open(rss_file) as f:
            lines = f.read().split()
        os.remove(rss_file)
        # GNU time writes "Command exited with non-zero status N" before the number.
        rss = int(lines[-1])
    return elapsed, rss, code


def measure(argv, out_path, runs):
    times, peaks, codes = [], [], set()
    for _ in range(runs):
        t, rss, code = run(argv, out_path)
        times.append(t)
        peaks.append(rss)
        codes.add(code)
    return statistics.median(times), max(peaks), sorted(codes)


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, path = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    commands = sys.argv[4:] or COMMANDS
    size = os.path.getsize(path)
    tmp = tempfile.mkdtemp(prefix="ace-pga-bench-")
    json_path = os.path.join(tmp, "decode.json")
    rows = []
    base, base_rss, _ = measure(["wc", "-l", path], os.path.join(tmp, "wc.out"), runs)
    rows.append(("`wc -l`", base, size, base_rss, [0], ""))
    for cmd in commands:
        if cmd == "encode":
            if not os.path.exists(json_path) or os.path.getsize(json_path) == 0:
                run([binary, "decode", "--quiet", path], json_path)
            n = os.path.getsize(json_path)
            t, rss, codes = measure([binary, "encode", "--quiet", json_path],
                                    os.path.join(tmp, "encode.out"), runs)
            rows.append(("`encode` (of the decode JSON)", t, n, rss, codes,
                         f"{rss * 1024 / n:.2f} × the JSON"))
            continue
        out = json_path if cmd == "decode" else os.path.join(tmp, f"{cmd}.out")
        argv = [binary, cmd, "--quiet", path]
        if cmd == "check":
            argv[3:3] = ["--format", "json"]
        t, rss, codes = measure(argv, out, runs)
        rows.append((f"`{cmd}`", t, size, rss, codes, ""))
    print(f"input: {path}, {size:,} bytes; {runs} runs each, median wall time; "
          f"peak RSS = largest of the runs")
    print()
    print("| command | median | MB/s | × `wc -l` | peak RSS | exit | note |")
    print("|---|---|---|---|---|---|---|")
    for name, t, n, rss, codes, note in rows:
        print(f"| {name} | {t:.3f} s | {n / t / 1e6:,.0f} | {t / base:.1f} | "
              f"{rss / 1024:,.1f} MB | {','.join(map(str, codes))} | {note} |")
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
