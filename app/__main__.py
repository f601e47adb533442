"""`python -m app` runs the whisperdesk command."""

import sys

from app.cli import main

sys.exit(main())
