"""The Connector as a Pulumi resource-provider plugin: the lifecycle's second face.

`names.py` and `values.py` translate the protocol's camelCase PropertyValues into the plain
snake_case dicts of `_lifecycle.core.Lifecycle` and back; `schema.py` builds the package schema
from `_lifecycle/schema.py`; `provider.py` serves the lifecycle through
`pulumi.provider.experimental`; `python -m mixpanel_connectors._plugin` runs it.
"""
