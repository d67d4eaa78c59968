"""One way to spread work over the machine's cores: :func:`parallel_map` streams results in
input order from a process pool, so a province's thousands of files are read on every core while
the caller keeps only what it needs of each.  ``merge`` and ``audit`` both use it."""
from __future__ import annotations

import os
import sys
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, TypeVar

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


# ---- work that may crash, abort or hang ----------------------------------------------------
# Files from strangers reach parsers written in C and Rust: one of them may abort the process
# (a Rust panic on a failed allocation is SIGABRT), exhaust memory, or loop forever ignoring
# SIGTERM.  :func:`isolated_map` gives each item to a worker process with a wall-clock limit
# and an address-space limit; a worker that dies or overruns is killed and replaced, and only
# the item it was working on fails — as a result the caller turns into that item's status.
ITEM_SECONDS = 6.0  # a statutory workbook takes ~10 ms; a 20 MB one with pictures ~1 s
WORKER_MEMORY = 768 * 1024 * 1024  # bytes of address space per worker (~180 MB after imports)
ISOLATED_CHUNK = 16  # items handed to a worker at once (it answers one by one)


@dataclass(frozen=True)
class Failure:
    """Why an item of :func:`isolated_map` has no result: ``kind`` is ``"timeout"`` (killed
    after ``seconds``), ``"crashed"`` (the worker died: ``detail`` names the signal or exit
    status) or ``"error"`` (``fn`` raised: ``detail`` is the exception's type and text)."""

    kind: str
    detail: str = ""
    seconds: float = 0.0


def _context():
    import multiprocessing as mp
    import threading

    # fork where it is safe and cheap — Linux, and a process without other threads (a web
    # server's worker threads could hold locks the child would inherit held): the worker starts
    # with everything imported.  Else a fork server on Linux, and the platform's default (spawn)
    # elsewhere; ``fn`` is then pickled by reference.
    if sys.platform.startswith("linux"):
        return mp.get_context("fork" if threading.active_count() == 1 else "forkserver")
    return mp.get_context()


def _limit_memory(limit: int | None) -> None:
    if not limit:
        return
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > cap:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):  # Windows, or a limit we may not lower
        pass


def _serve(conn, fn: Callable[[T], R], memory: int | None) -> None:
    """A worker: items in, results out, one message per item, until told to stop."""
    import signal

    # the parent decides when a worker stops: Ctrl-C and SIGTERM end the parent, which kills us
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name),
                          signal.SIG_IGN if name == "SIGINT" else signal.SIG_DFL)
    _limit_memory(memory)
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        for i, item in batch:
            message: tuple[Any, bool, Any]  # (index, done, the result or why it failed)
            try:
                message = (i, True, fn(item))
            except MemoryError:
                message = (i, False, "MemoryError")
            except BaseException as e:  # noqa: BLE001 - any failure of fn is the item's, not ours
                message = (i, False, f"{type(e).__name__}: {e}"[:500])
            try:
                conn.send(message)
            except (TypeError, AttributeError, ValueError) as e:  # a result that cannot be pickled
                conn.send((i, False, f"{type(e).__name__}: {e}"[:500]))


class _Worker:
    def __init__(self, ctx, fn, memory: int | None) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, fn, memory), daemon=True)
        self.proc.start()
        child.close()
        self.assigned: deque[int] = deque()
        self.deadline = 0.0

    def give(self, batch: list[tuple[int, object]], timeout: float) -> None:
        if not self.assigned:  # else the clock runs for the item it is working on
            self.deadline = time.monotonic() + timeout
        self.assigned.extend(i for i, _ in batch)
        try:
            self.conn.send(batch)
        except OSError:
            pass  # it died meanwhile: the caller finds it dead and hands its items on

    def stop(self, kill: bool = False) -> None:
        if self.proc.is_alive():
            if kill:
                self.proc.kill()
            else:
                try:
                    self.conn.send(None)
                except OSError:
                    self.proc.kill()
        self.proc.join(1.0)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _death(proc) -> str:
    import signal

    code = proc.exitcode
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


def isolated_map(fn: Callable[[T], R], items: Iterable[T], *, failed: Callable[[T, Failure], R],
                 n: int | None = None, timeout: float = ITEM_SECONDS,
                 memory: int | None = WORKER_MEMORY) -> Iterator[R]:
    """``fn`` over ``items`` in worker processes, results yielded in input order; an item whose
    worker crashed, ran out of memory or took longer than ``timeout`` seconds yields
    ``failed(item, Failure(…))`` instead, and the worker is replaced — the other items go on.

    ``fn`` must be a module-level function (or a partial of one).  Even one item runs in a
    worker: isolation is the point.  ``memory``: each worker's address-space limit in bytes
    (POSIX; None for no limit)."""
    items = list(items)
    if not items:
        return
    ctx = _context()
    n = max(1, min(workers() if n is None else n, len(items)))
    size = max(1, min(ISOLATED_CHUNK, len(items) // (n * 8)))
    todo: deque[int] = deque(range(len(items)))
    done: dict[int, R] = {}
    pool: list[_Worker] = []
    emitted = 0
    try:
        pool = [_Worker(ctx, fn, memory) for _ in range(n)]
        while emitted < len(items):
            for w in pool:
                # two batches queued per worker: it never waits for us between them
                if len(w.assigned) <= size and todo:
                    batch = [todo.popleft() for _ in range(min(size, len(todo)))]
                    w.give([(i, items[i]) for i in batch], timeout)
            busy = [w for w in pool if w.assigned]
            left = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            watch = {**{w.conn: w for w in busy}, **{w.proc.sentinel: w for w in busy}}
            ready = set(_wait(list(watch), left))
            for w in busy:
                if w.conn in ready or (w.proc.sentinel in ready and w.assigned):
                    _collect(w, items, done, failed, timeout)
            for k, w in enumerate(pool):
                dead = not w.proc.is_alive()
                if dead:
                    _collect(w, items, done, failed, timeout)  # what it said before dying
                late = bool(w.assigned) and time.monotonic() > w.deadline
                if not (dead or late):
                    continue
                w.stop(kill=True)
                if w.assigned:
                    head = w.assigned.popleft()
                    why = (Failure("crashed", _death(w.proc)) if dead
                           else Failure("timeout", seconds=timeout))
                    done[head] = failed(items[head], why)
                    todo.extendleft(reversed(w.assigned))
                pool[k] = _Worker(ctx, fn, memory)
            while emitted in done:
                yield done.pop(emitted)
                emitted += 1
    finally:
        for w in pool:
            w.stop(kill=True)


def _wait(objects: list, timeout: float) -> list:
    from multiprocessing.connection import wait

    return wait(objects, timeout)


def _collect(w: _Worker, items: list, done: dict, failed: Callable, timeout: float) -> None:
    """Every answer the worker has sent so far (its results arrive in the order given)."""
    while w.assigned:
        try:
            if not w.conn.poll():
                return
            i, ok, value = w.conn.recv()
        except (EOFError, OSError):
            return  # it died mid-message: the caller sees it dead
        w.assigned.popleft()
        w.deadline = time.monotonic() + timeout
        done[i] = value if ok else failed(items[i], Failure("error", value))


__all__ += ["isolated_map", "Failure", "ITEM_SECONDS", "WORKER_MEMORY"]
