"""The zoom_ecomms plugin."""
