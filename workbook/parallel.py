"""One way to spread work over the machine's cores: :func:`parallel_map` streams results in
input order from a process pool, so a province's thousands of files are read on every core while
the caller keeps only what it needs of each.  ``merge`` and ``audit`` both use it."""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# below this many inputs a process pool costs more to start than it saves
PARALLEL_FROM = 16
IN_FLIGHT = 3  # chunks queued per worker


def workers() -> int:
    """Processes to read with: every core (``NIANBAO_WORKERS`` overrides)."""
    return max(1, int(os.environ.get("NIANBAO_WORKERS") or os.cpu_count() or 1))


def parallel_map(fn: Callable[[T], R], items: Iterable[T], *, n: int | None = None) -> Iterator[R]:
    """``fn`` over ``items`` in a process pool, results yielded in input order as they finish.

    ``fn`` must be a module-level function (it is pickled).  Few items, or one worker, run in
    this process.  At most a few chunks per worker are in flight, so results waiting for the
    caller never pile up, however many items there are.
    """
    items = list(items)
    n = workers() if n is None else n
    if n <= 1 or len(items) < PARALLEL_FROM:
        yield from map(fn, items)
        return
    # chunks big enough to keep pickling overhead low, small enough to keep every core busy
    # and the progress bar moving
    size = max(1, min(32, len(items) // (n * 8)))
    chunks = (items[i:i + size] for i in range(0, len(items), size))
    with ProcessPoolExecutor(max_workers=n) as pool:
        pending = deque(pool.submit(_run_chunk, fn, c) for c in islice(chunks, IN_FLIGHT * n))
        while pending:
            done = pending.popleft().result()
            for c in islice(chunks, 1):
                pending.append(pool.submit(_run_chunk, fn, c))
            yield from done


def _run_chunk(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [fn(x) for x in chunk]


__all__ = ["parallel_map", "workers", "PARALLEL_FROM"]
