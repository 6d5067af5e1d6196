"""ecomms plugins shipped with the project; each is declared as an entry point."""
