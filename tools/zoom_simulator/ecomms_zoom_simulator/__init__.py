"""A simulated Zoom account served over HTTP on loopback, for tests, the demo and benchmarks.

::

    from ecomms_zoom_simulator import Simulator, SimulatorConfig

    with Simulator(SimulatorConfig(seed=7, meetings=20)) as sim:
        sim.api_base_url, sim.oauth_token_url, sim.client_id, sim.client_secret
"""

from __future__ import annotations

from ecomms_zoom_simulator.config import SimulatorConfig
from ecomms_zoom_simulator.server import Simulator

__all__ = ["Simulator", "SimulatorConfig"]
