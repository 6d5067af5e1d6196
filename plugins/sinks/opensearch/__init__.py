"""The opensearch plugin: a sink that indexes records into OpenSearch for search and Dashboards.

See docs/opensearch.md. Public: :class:`OpenSearchSink` (its ``Config`` is
:class:`~plugins.sinks.opensearch.config.OpenSearchConfig`).
"""
