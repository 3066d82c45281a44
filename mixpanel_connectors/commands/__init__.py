"""Subcommands of `mixpanel-connectors` for people: list, show, history, doctor, export."""
