"""Saying, from the runner's side, that a step is waiting for a first import.

The provider runs in another process and reports nothing until its Create returns, so this only
knows what the program asked for (`wait_for_import`) and how long the step has taken.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .._lifecycle.translate import DEFAULT_IMPORT_TIMEOUT

Say = Callable[[str], None]


def import_timeout(inputs: dict[str, Any]) -> float | None:
    """The `wait_for_import` timeout of these inputs, or None when they do not wait."""
    wait = inputs.get("wait_for_import")
    if not isinstance(wait, dict):
        return None
    timeout = wait.get("timeout_seconds", DEFAULT_IMPORT_TIMEOUT)
    return float(timeout) if isinstance(timeout, (int, float)) else DEFAULT_IMPORT_TIMEOUT


@contextmanager
def waiting_for_import(
    name: str, timeout: float, say: Say, *, after: float = 1.0, every: float = 5.0
) -> Iterator[None]:
    """While the block runs longer than `after` seconds, say so, then again every `every`."""
    done = threading.Event()
    started = time.monotonic()

    def tell() -> None:
        if done.wait(after):
            return
        say(f"{name}: waiting for the first import (up to {timeout:g} s)...")
        while not done.wait(every):
            waited = time.monotonic() - started
            say(f"{name}: still waiting for the first import ({waited:.0f} s so far)...")

    thread = threading.Thread(target=tell, name=f"import notice for {name}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
