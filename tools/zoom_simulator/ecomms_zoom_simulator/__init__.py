"""A simulated Zoom account served over HTTP on loopback, for tests, the demo and benchmarks.

::

    from ecomms_zoom_simulator import Simulator, SimulatorConfig

    with Simulator(SimulatorConfig(seed=7, meetings=20)) as sim:
        sim.api_base_url, sim.oauth_token_url, sim.client_id, sim.client_secret
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecomms_zoom_simulator.config import SimulatorConfig
    from ecomms_zoom_simulator.server import Simulator

__all__ = ["Simulator", "SimulatorConfig"]


def __getattr__(name: str) -> Any:
    """``Simulator`` and ``SimulatorConfig``, imported on first use: the package's entry point
    (its commands) loads with every ``ecomms`` command and must not load the simulator."""
    if name == "Simulator":
        from ecomms_zoom_simulator.server import Simulator

        return Simulator
    if name == "SimulatorConfig":
        from ecomms_zoom_simulator.config import SimulatorConfig

        return SimulatorConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
