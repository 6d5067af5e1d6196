"""The structs behind :mod:`plugins.zoom_ecomms.models` (import them from there)."""
