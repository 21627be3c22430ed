"""How a long-running Zhengxin process treats Python's garbage collector.

A full collection walks every object the process holds. After start-up that is some hundred
thousand objects (modules, mappers, schemas, code tables) that live as long as the process,
and walking them takes tens of milliseconds here: paid every few requests, it is most of a
report's tail latency. A process that serves requests therefore settles its heap once it has
started (:func:`settle`); a batch job holds it steady while it runs
(:func:`steady_collector`). Objects made afterwards are collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def settle() -> None:
    """Collect once, then leave everything held so far out of later collections: for a
    process that has started up and now serves (inquiries, reports)."""
    gc.collect()
    gc.freeze()


@contextmanager
def steady_collector() -> Iterator[None]:
    """Keep the collector from rescanning everything the process already held while a batch
    (a submission file) goes through; those objects are handed back to it afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
