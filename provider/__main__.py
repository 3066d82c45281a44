"""The plugin as the Pulumi CLI starts it: `python provider/ <engine address>`.

The CLI refuses a folder holding both PulumiPlugin.yaml and Pulumi.yaml, and the repository's
root holds the quickstart's Pulumi.yaml, so the plugin lives in this folder of its own.
"""

from mixpanel_connectors._plugin.__main__ import main

main()
