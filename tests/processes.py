"""Running the product's commands as separate processes, as an operator would."""

import subprocess
import threading


def run_process(args, *, env=None, cwd=None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``subprocess.run(args, capture_output=True, text=True)`` with a time limit.

    The limit is a thread's ``join`` rather than ``subprocess.run(timeout=...)``:
    subprocess polls with ``time.sleep``, which libfaketime (Debian's 0.9.10, run with
    FAKETIME_DONT_FAKE_MONOTONIC=1 as CI does) breaks with EINVAL; a lock's wait is not
    affected.
    """
    process = subprocess.Popen(
        args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    output: dict[str, str] = {}

    def collect() -> None:
        output["stdout"], output["stderr"] = process.communicate()

    collector = threading.Thread(target=collect, daemon=True)
    collector.start()
    collector.join(timeout)
    if collector.is_alive():
        process.kill()
        collector.join()
        raise AssertionError(f"{' '.join(map(str, args))} ran longer than {timeout} s")
    return subprocess.CompletedProcess(args, process.returncode, output["stdout"], output["stderr"])


def exited_within(process: subprocess.Popen, timeout: float) -> bool:
    """Whether ``process`` ends within ``timeout`` seconds (``Popen.wait(timeout)``
    without its ``time.sleep``, for the same reason as ``run_process``)."""
    waiter = threading.Thread(target=process.wait, daemon=True)
    waiter.start()
    waiter.join(timeout)
    return not waiter.is_alive()


def pause(seconds: float) -> None:
    """``time.sleep`` that libfaketime leaves alone: a wait on an event nobody sets."""
    threading.Event().wait(seconds)
