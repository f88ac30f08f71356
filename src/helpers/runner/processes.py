"""The runner's processes: workers that die with the runner, a Ctrl-C that stops them all at once, and a
publication that a Ctrl-C cannot cut in half.

Ctrl-C in a terminal reaches the runner and its workers (one process group); the workers ignore it and the
runner kills them and their kernels (which run in sessions of their own). A runner killed outright
(SIGKILL) takes its workers with it through the Linux parent-death signal; their kernels then stop by
themselves (ipykernel exits when its parent process goes).
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1   # linux/prctl.h
BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def worker_started(runner: int, runtime_dir: str, blas_threads: int) -> None:
    """Set up a worker process: Ctrl-C is the runner's to handle; the worker dies with the runner; the
    kernels' connection files go to the run's build folder; its kernels' BLAS uses `blas_threads` threads
    (the cores shared out among the workers, so that parallel notebooks do not oversubscribe them), unless
    the user set that already."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != runner:   # the runner died before the parent-death signal was set
        os._exit(1)
    os.environ["JUPYTER_RUNTIME_DIR"] = runtime_dir
    for variable in BLAS_THREADS:
        os.environ.setdefault(variable, str(blas_threads))


def stop_children(grace: float = 3.0) -> None:
    """Kill every process this one started (workers, kernels), all at once, and wait for them briefly.
    Python's own resource tracker is spared: it ends with the runner, and killing it makes Python warn."""
    import psutil

    children = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "multiprocessing.resource_tracker" not in " ".join(child.cmdline()):
                child.kill()
                children.append(child)
        except psutil.Error:   # ended meanwhile
            pass
    psutil.wait_procs(children, timeout=grace)


@contextmanager
def uninterrupted():
    """Hold Ctrl-C and SIGTERM back for a moment (while the run publishes), then act on them."""
    received = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda number, frame: received.append(number)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            raise KeyboardInterrupt


def interrupted() -> None:
    """After Ctrl-C: ignore any further one, and stop every process this one started."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    stop_children()
