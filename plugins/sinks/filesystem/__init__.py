"""The filesystem plugin."""
