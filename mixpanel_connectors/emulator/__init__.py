"""A local emulator of the Mixpanel connectors API, for demos, examples and tests.

It is an independent model of the server written from the API contract: it shares no validation
code with the client, so a mistake on either side shows up as a failing test.
"""

from .app import Accounts, EmulatorApp
from .server import Emulator
from .wsgi import wsgi_app

__all__ = ["Accounts", "Emulator", "EmulatorApp", "wsgi_app"]
