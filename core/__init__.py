"""ecomms host: plugin system, records, config, state, pipeline and command line.

The host knows nothing of Zoom, OpenSearch or any other plugin: they reach it through the
``ecomms`` entry-point group and the hooks in :mod:`core.hookspecs`.
"""
