#!/usr/bin/env python3
"""Writes a large transmission for memory and speed measurements (issue 13).

Usage: tools/gen_large.py SAMPLE MEGABYTES OUTPUT

The transactions of SAMPLE (every record between its B and Y records, e.g.
spec-samples/valid/or2-multi.txt) are repeated inside SAMPLE's own envelope (A, B ... Y, Z)
until the output holds at least MEGABYTES megabytes. Record counts in Y/Z are not adjusted:
the shipped samples leave them blank, so `ace-pga check` finds what it finds in SAMPLE
(nothing for a valid one); a SAMPLE whose Y/Z carry counts gives E findings. Transaction and
entry numbers repeat: the output is for measuring, not a filing to send.
"""
import sys


def main() -> None:
    if len(sys.argv) != 4 or not sys.argv[2].isdigit():
        sys.exit(__doc__)
    sample, mb, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    lines = open(sample, "rb").read().splitlines(keepends=True)
    b = next(i for i, line in enumerate(lines) if line.startswith(b"B"))
    y = max(i for i, line in enumerate(lines) if line.startswith(b"Y"))
    head, body, tail = lines[: b + 1], b"".join(lines[b + 1 : y]), lines[y:]
    want = mb * 1_000_000
    with open(out, "wb") as f:
        f.writelines(head)
        written = 0
        while written < want:
            f.write(body)
            written += len(body)
        f.writelines(tail)


if __name__ == "__main__":
    main()
