"""`python -m mixpanel_connectors._plugin <engine address>` serves the plugin as the CLI runs it.

It prints its port, the one line the engine reads from stdout, and serves until interrupted.
`--schema` prints the package schema instead.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if "--schema" in args:
        from .schema import schema_json

        print(schema_json())
        return
    from pulumi.provider.experimental.server import main as serve

    from .provider import MixpanelProvider
    from .schema import version

    # serve() parses sys.argv itself (the engine's address and its log flags)
    serve(args, version(), MixpanelProvider())


if __name__ == "__main__":
    main()
