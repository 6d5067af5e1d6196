"""The policies plugin."""
