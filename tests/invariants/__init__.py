"""Invariants of a capture, checked from the outside: what the simulated Zoom account holds
and what the archive directory, the search stores and the state database hold, read
directly. Nothing here imports the pipeline, so a pipeline bug cannot hide itself."""
