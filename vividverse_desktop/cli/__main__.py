"""`python -m vividverse_desktop.cli`."""

import sys

from vividverse_desktop.cli import main

sys.exit(main())
