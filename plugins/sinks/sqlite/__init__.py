"""The sqlite plugin."""
