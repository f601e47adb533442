"""The app: the CLI and the Qt window, wiring audio/ and inference/ together."""
