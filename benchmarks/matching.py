"""Benchmark: our matcher against the `matching` package on the same random instances.

Run: .venv/bin/python benchmarks/matching.py [--sizes 1000 5000 20000] [--seed 1]

Each instance has N applicants with 4 preferences each over N/2 slots of capacity 1 to 3
(total capacity about N); each slot ranks, in random order, the applicants who listed it.
Each engine runs in a fresh process of its own, so that one's memory does not count for
the other: the time counts the whole call, from the plain lists below to the assignments,
and the peak memory is how much the process's peak resident size grew during that call.
Targets: 20,000 applicants in under 0.5 s, and at least 100 times faster than `matching`
at 5,000.
"""

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

# This file is called matching.py, like the package it compares with: drop its folder from
# the import path so that `import matching` finds the package, not this script.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from exchange.matching.engine import Applicant, Slot, match  # noqa: E402

PREFERENCES = 4


def make_instance(size: int, seed: int):
    rng = random.Random(seed)
    slot_count = size // 2
    capacities = [rng.randint(1, 3) for _ in range(slot_count)]
    applicants = []
    applied = [[] for _ in range(slot_count)]
    for applicant in range(size):
        chosen = rng.sample(range(slot_count), PREFERENCES)
        applicants.append((applicant, chosen))
        for slot in chosen:
            applied[slot].append(applicant)
    slots = []
    for slot in range(slot_count):
        ranking = applied[slot][:]
        rng.shuffle(ranking)
        slots.append((slot, capacities[slot], ranking))
    return applicants, slots


def ours(applicants, slots) -> dict:
    result = match(
        [Applicant(a, prefs) for a, prefs in applicants],
        [Slot(s, capacity, ranking) for s, capacity, ranking in slots],
    )
    return result.assignments


def reference(applicants, slots) -> dict:
    from matching.games import HospitalResident

    # `matching` deep-copies its players recursively: large instances need a deep stack.
    sys.setrecursionlimit(1_000_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            {a: list(prefs) for a, prefs in applicants},
            {s: list(ranking) for s, _, ranking in slots},
            {s: capacity for s, capacity, _ in slots},
        )
        solution = game.solve(optimal="resident")
    return {resident.name: hospital.name for hospital, rs in solution.items() for resident in rs}


ENGINES = {"ours": ours, "matching": reference}


def child(engine: str, size: int, seed: int) -> None:
    """Run one engine once in this process and print what it measured, as JSON."""
    applicants, slots = make_instance(size, seed)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    assignments = ENGINES[engine](applicants, slots)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    digest = hashlib.sha256(repr(sorted(assignments.items())).encode()).hexdigest()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mib": (after - before) / 1024,  # ru_maxrss is in KiB on Linux
                "matched": len(assignments),
                "digest": digest,
            }
        )
    )


def measure(engine: str, size: int, seed: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--sizes", str(size), "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(output.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, arguments.sizes[0], arguments.seed)
        return 0

    print(f"{'applicants':>10} {'engine':>9} {'seconds':>9} {'peak MiB':>9} {'matched':>8}")
    timings = {}
    for size in arguments.sizes:
        mine = measure("ours", size, arguments.seed)
        theirs = measure("matching", size, arguments.seed)
        timings[size] = (mine["seconds"], theirs["seconds"])
        for name, figures in (("ours", mine), ("matching", theirs)):
            print(
                f"{size:>10} {name:>9} {figures['seconds']:>9.3f} "
                f"{figures['peak_mib']:>9.1f} {figures['matched']:>8}"
            )
        speedup = theirs["seconds"] / mine["seconds"]
        same = mine["digest"] == theirs["digest"]
        print(f"{'':>10} same assignments: {same}; ours {speedup:,.0f}x faster", flush=True)

    if 20000 in timings:
        seconds = timings[20000][0]
        verdict = "met" if seconds < 0.5 else "NOT met"
        print(f"20,000 applicants in {seconds:.3f} s (target < 0.5 s): {verdict}")
    if 5000 in timings:
        speedup = timings[5000][1] / timings[5000][0]
        verdict = "met" if speedup >= 100 else "NOT met"
        print(f"at 5,000, {speedup:,.0f}x faster than matching (target >= 100x): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
