"""Rate-budget adherence: capture a simulated Pro account and compare the Medium-label rate
achieved in steady state with the rate Zoom allows (20/s on Pro).

Run: ``.venv/bin/python bench/zoom_rate.py [--meetings N] [--workers N]``. Prints the
achieved and allowed rates, their ratio and the number of 429 answers; asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from ecomms_zoom_simulator import Simulator, SimulatorConfig

from core.config import Secret
from core.protocols import Context
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.rate_budget import PLAN_LIMITS, label_for
from plugins.zoom_ecomms.source import ZoomSource


def _label(entry: dict) -> str:
    path = str(entry.get("path", "")).split("?")[0].removeprefix("/v2")
    return label_for(str(entry.get("method", "GET")), path)


def _sample(sim, samples: list, done: threading.Event) -> None:
    while not done.wait(0.5):
        log = sim.inspect()["requests"]
        medium = sum(1 for r in log if _label(r) == "medium" and "/rec/" not in r["path"])
        limited = sum(1 for r in log if r.get("status") == 429)
        samples.append((time.monotonic(), medium, limited))


def _capture(sim, workers: int) -> tuple[int, float, list[tuple[float, int, int]]]:
    """Pull the whole account, sampling the simulator's request log meanwhile."""
    with tempfile.TemporaryDirectory() as tmp:
        config = ZoomConfig(
            account_id=sim.account_id,
            client_id=sim.client_id,
            client_secret=Secret(sim.client_secret),
            api_base_url=sim.api_base_url,
            oauth_token_url=sim.oauth_token_url,
            plan="pro",
            media="none",
            capture_from=datetime.fromisoformat(sim.capture_from.replace("Z", "+00:00")),
            workers=workers,
            page_size=5,
        )
        context = Context(name="bench", state_dir=Path(tmp), spool_dir=Path(tmp) / "spool")
        source = ZoomSource(config, context)
        samples: list[tuple[float, int, int]] = []
        done = threading.Event()
        sampler = threading.Thread(target=_sample, args=(sim, samples, done), daemon=True)
        started = time.monotonic()
        sampler.start()
        units = len(list(source.pull(None)))
        elapsed = time.monotonic() - started
        done.set()
        sampler.join()
        source.close()
    return units, elapsed, samples


def main() -> None:
    """Run the capture and print achieved / allowed Medium rate."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=60)
    parser.add_argument("--workers", type=int, default=6)
    args = parser.parse_args()
    with Simulator(
        SimulatorConfig(
            seed=3,
            meetings=args.meetings,
            plan="pro",
            heavy_survey_reports=True,  # as Zoom labels them
        )
    ) as sim:
        units, elapsed, samples = _capture(sim, args.workers)
        requests = [r for r in sim.inspect()["requests"] if "/rec/" not in str(r.get("path"))]
    medium = [r for r in requests if _label(r) == "medium"]
    limited = [r for r in requests if r.get("status") == 429]
    allowed = PLAN_LIMITS["pro"]["medium"]
    # steady state: the middle 60 % of the run, from the sampled request counts
    lo = samples[len(samples) // 5]
    hi = samples[len(samples) * 4 // 5]
    achieved = (hi[1] - lo[1]) / (hi[0] - lo[0]) if hi[0] > lo[0] else len(medium) / elapsed
    print(f"units captured          {units}")
    print(f"API requests            {len(requests)} ({len(medium)} medium) in {elapsed:.1f} s")
    print(f"429 answers             {len(limited)} ({hi[2] - lo[2]} in steady state)")
    print(f"medium rate achieved    {achieved:.2f}/s")
    print(f"medium rate allowed     {allowed:.2f}/s")
    print(f"achieved / allowed      {achieved / allowed:.3f}")


if __name__ == "__main__":
    main()
