"""One module's structural signals (methods.py, protocol.py), benchmark names and seeding
calls, recorded once per file content.

What the method, protocol, benchmark and seeding-call scans find in a module depends on that
module alone, so they run right after the file is indexed (in the indexing workers on a first
audit, spread over the cores), and their events are kept with the module in the index cache;
an unchanged file is never scanned again. An audit replays each module's events, in path
order, into its shared sinks, which decide caps, duplicates and evidence lines exactly as if
the scans had run there (a notebook's .ipynb line numbers are only known then).
"""

from __future__ import annotations

from collections.abc import Callable

from auditor.facts import MethodFamily
from auditor.probes.benchmarks import benchmark_mentions
from auditor.probes.methods import MethodScan
from auditor.probes.protocol import DataHit, ProtocolScan
from auditor.probes.pycode import Code, Event
from auditor.probes.seed_apis import seed_api_sites
from auditor.pyast import PyModule

Replayer = Callable[[Code, int, str, str, str | None], object]


def record(module: PyModule) -> None:
    """Scan one indexed module on its own and keep its events on it (`module.signals`): the
    roles probe's (methods and protocol), the benchmark names in its code and its calls of
    seeding APIs."""
    events: list[Event] = []
    code = Code(module)
    MethodScan.recording(events).scan(code)
    protocol = ProtocolScan.recording(events)
    protocol.scan(code)
    events.extend(("data", hit.line, hit.kind, hit.name, None) for hit in protocol.data)
    module.signals = {
        "roles": events,
        "benchmarks": benchmark_mentions(code),
        "seeds": seed_api_sites(module),
    }


def recorded(code: Code, scan: str) -> list[Event]:
    """A module's recorded events of one scan (scanning it now when its index came without)."""
    if code.module.signals is None:
        record(code.module)
    assert code.module.signals is not None
    return code.module.signals[scan]


def replay(codes: list[Code], methods: MethodScan, protocol: ProtocolScan) -> None:
    """Add what the scans found in these modules, in this order, to the audit's sinks, traits
    and data hits."""
    channels = _channels(methods, protocol)
    for code in codes:
        for channel, line, first, second, third in recorded(code, "roles"):
            channels[channel](code, line, first, second, third)


def _channels(methods: MethodScan, protocol: ProtocolScan) -> dict[str, Replayer]:
    """Where each channel's events go; the names are the recording scans' (`recording`)."""

    def method(code: Code, line: int, family: str, kind: str, detail: str | None) -> None:
        methods.methods.add(code, line, MethodFamily(family), kind, detail or "")

    def data(code: Code, line: int, kind: str, name: str, _: str | None) -> None:
        protocol.data.append(DataHit(code, line, kind, name))

    return {
        "space": methods.space.add,
        "shortcuts": methods.shortcuts.add,
        "derivation": methods.derivation.add,
        "methods": method,
        "note": methods.traits.note,
        "training": protocol.training.add,
        "evaluation": protocol.evaluation.add,
        "environment": protocol.environment.add,
        "timing": protocol.timing.add,
        "curves": protocol.curves.add,
        "seed_loops": protocol.seed_loops.add,
        "data": data,
    }
