"""Chinese numerals: nianbao's own ``chinese_to_int`` against ``cn2an`` on what reports write.

    .venv/bin/python benchmarks/bench_numerals.py [N]

Runs both on the same cases — counts, 万/亿, 大写 (壹佰贰拾伍), years, and the ranges that must
*not* be read as one number (「三四件」「七八条」 mean three or four, seven or eight) — and prints
how many each gets right and the time per call (best of 3 rounds of N passes), next to the
floor of a dict look-up per character.  ``cn2an`` is optional: ``pip install cn2an``.
"""
from __future__ import annotations

import sys
import time

from nianbao.checks.numerals import chinese_to_int

# (text, the value a report means; None where no single number is meant)
CASES = [
    ("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("一百二十五", 125), ("两千", 2000),
    ("三千零二十", 3020), ("一万零五", 10005), ("十万", 100000), ("二〇二一", 2021),
    ("一亿零三百万", 103_000_000), ("壹佰贰拾伍", 125), ("叁仟零贰拾", 3020), ("伍拾", 50),
    ("壹萬", 10000), ("三四", None), ("七八", None), ("五六", None),
]


def cn2an_int(text: str):
    import cn2an

    try:
        return cn2an.cn2an(text, "smart")
    except (ValueError, KeyError):
        return None


_TABLE = {ch: 1 for ch in "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億"}


def floor(text: str):
    # the least any converter must do: look every character up once
    return sum(_TABLE.get(ch, 0) for ch in text)


def timed(fn, n: int) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(n):
            for text, _ in CASES:
                fn(text)
        best = min(best, time.perf_counter() - t0)
    return best / (n * len(CASES)) * 1e6


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rows = [("nianbao chinese_to_int", chinese_to_int)]
    try:
        t0 = time.perf_counter()
        import cn2an  # noqa: F401

        print(f"import cn2an: {(time.perf_counter() - t0) * 1000:.0f} ms")
        rows.append(("cn2an.cn2an(smart)", cn2an_int))
    except ImportError:
        print("cn2an is not installed: only nianbao is measured")
    for name, fn in rows:
        wrong = [(t, fn(t), want) for t, want in CASES if fn(t) != want]
        print(f"{name:24s} {len(CASES) - len(wrong):2d}/{len(CASES)} right, "
              f"{timed(fn, n):6.2f} µs per number" + (f"; wrong: {wrong}" if wrong else ""))
    print(f"{'floor (dict per char)':24s}        {timed(floor, n):6.2f} µs per number")


if __name__ == "__main__":
    main()
