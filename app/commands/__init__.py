"""CLI subcommands: each module has `register(subparsers)` that sets `func(args) -> int`."""
