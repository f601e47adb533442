"""Entry script of the frozen app: the same `whisperdesk` command the venv's console script runs."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
