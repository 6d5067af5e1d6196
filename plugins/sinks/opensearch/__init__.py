"""The opensearch plugin."""
