"""`python -m mixpanel_connectors.cli`, the same as the `mixpanel-connectors` command."""

import sys

from . import main

sys.exit(main())
