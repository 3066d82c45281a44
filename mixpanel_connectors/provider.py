"""ConnectorProvider: the Pulumi dynamic provider behind the Connector resource.

The instance holds nothing that is pickled into state: settings arrive in configure() (or from
the environment), and HTTP clients are built lazily, one per settings, shared by the host's
worker threads. Keep this module path and class name stable: state refers to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ._api.errors import ConnectorError
from ._lifecycle.config import SETTINGS_SOURCES, Settings
from ._lifecycle.core import Lifecycle

if TYPE_CHECKING:
    from ._api.client import MixpanelClient

__all__ = ["ConnectorError", "ConnectorProvider"]


class ConnectorProvider(ResourceProvider):
    """Creates, reads and deletes Mixpanel connectors for the `Connector` resource.

    The dynamic face of `_lifecycle.core.Lifecycle`: each method turns its result into the
    dynamic provider's.
    """

    serialize_as_secret_always = False

    def __init__(self, settings: Settings | None = None) -> None:
        """`settings` stand in for configure() (for tests and direct use); never pickled."""
        super().__init__()
        self._lifecycle = Lifecycle(settings)

    # Nothing on the instance reaches state: the pickled form is the class reference alone.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def configure(self, req: ConfigureRequest) -> None:
        keys = [key for key, _ in SETTINGS_SOURCES.values()]
        self._lifecycle.configure({key: req.config.get(key) for key in keys})

    @property
    def settings(self) -> Settings:
        """Settings from configure(), or from the environment when configure() never ran."""
        return self._lifecycle.settings

    def client(self, region: str) -> MixpanelClient:
        """The shared client for these settings and region."""
        return self._lifecycle.client(region)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Fill defaults, resolve project and region, and report every problem by property path."""
        checked = self._lifecycle.check(olds, news)
        failures = [CheckFailure(path, reason) for path, reason in checked.problems]
        return CheckResult(checked.inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Every change replaces the connector (the API has no update), deleting it first."""
        diffed = self._lifecycle.diff(olds, news)
        if diffed.replaces:
            return DiffResult(changes=True, replaces=diffed.replaces, delete_before_replace=True)
        return DiffResult(changes=diffed.changes, replaces=[] if diffed.changes else None)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """POST the connector, or adopt `existing_connector_id` after checking it matches."""
        created = self._lifecycle.create(props)
        return CreateResult(created.id, created.outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """GET the connector; gone means an empty id, so the engine drops it from state.

        Inputs go back only when the live connector changed what they declare.
        """
        found = self._lifecycle.read(id_, props)
        if not found.id:
            return ReadResult("", {})
        # None keeps the inputs in state: the SDK's host then sends no `inputs` (Read in
        # pulumi/dynamic/__main__.py), the engine's plugin client leaves them nil (provider.Read
        # in sdk/go/common/resource/plugin/provider_plugin.go), and RefreshStep.Apply in
        # pkg/resource/deploy/step.go keeps s.old.Inputs; ReadStep (get) ignores them. Sending
        # them anyway would serialize the outputs a second time on every refresh.
        unchanged = found.declares_as(props)
        return ReadResult(found.id, found.outputs, None if unchanged else found.inputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Inputs that need no new connector change in place; keep every output."""
        return UpdateResult(self._lifecycle.update(olds, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """DELETE the connector; already gone counts as deleted."""
        self._lifecycle.delete(id_, props)
