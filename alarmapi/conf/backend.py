"""The options every backend a rule source reads has, defined once: where it is, how
long a request may take, how many go at the same time."""

from __future__ import annotations

from oslo_config import cfg

#: Seconds before a backend request fails, by default, and the bounds.
TIMEOUT_S = 10.0
#: Requests the evaluator sends a backend at the same time, by default, and the most.
PARALLEL = 8
MAX_PARALLEL = 64


def backend_opts(service: str, endpoint_help: str, parallel_help: str) -> list[cfg.Opt]:
    """``endpoint``, ``timeout`` and ``parallel_requests`` of one backend (``service``
    names it in the help texts; ``parallel_help`` says what is sent in parallel)."""
    return [
        cfg.URIOpt("endpoint", schemes=["http", "https"], help=endpoint_help),
        cfg.FloatOpt("timeout", default=TIMEOUT_S, min=0.1, max=300,
                     help=f"Seconds before a request to {service} fails."),
        cfg.IntOpt("parallel_requests", default=PARALLEL, min=1, max=MAX_PARALLEL,
                   help=f"{service} requests the evaluator sends at the same time "
                   f"({parallel_help}); 1 sends them one after the other."),
    ]
