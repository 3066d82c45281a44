"""The Connector's lifecycle, once, for both faces: the dynamic provider and the plugin.

Each step takes and returns plain property dicts with snake_case keys, as the dynamic provider
sees them, and results that name no Pulumi type: `provider.py` turns them into the dynamic
provider's results and `plugin/` into the resource-provider protocol's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._api.errors import ConfigurationError, ConnectorError, MixpanelError, NotFoundError
from .._api.rules import normalize_project_id
from .config import Settings
from .exactly_once import create_exactly_once, still_exists
from .ledger import Ledger, owner_label
from .ownership import adoption_change, owner_of, ownership_problems
from .translate import (
    IN_PLACE_FIELDS,
    INPUT_SOURCES,
    OWNER_KEY,
    PROVIDER_KEY,
    SPEC_FIELDS,
    Difference,
    changed_paths,
    declared_keys,
    declared_of,
    differences,
    dropped_keys,
    inputs_from_outputs,
    normalize_inputs,
    outputs,
    spec_body,
)
from .waiting import first_import_status, reread_first_import, wait_for_first_import

if TYPE_CHECKING:
    from .._api.client import MixpanelClient


@dataclass(frozen=True)
class Checked:
    """Checked inputs, and each problem as (property path, what is wrong)."""

    inputs: dict[str, Any]
    problems: list[tuple[str, str]]


@dataclass(frozen=True)
class Diffed:
    """What a diff found: `replaces` names top-level inputs, `details` the nested paths.

    Every replacement deletes the old connector first (the API has no update, and two
    connectors would import the same files twice).
    """

    changes: bool
    replaces: list[str] = field(default_factory=list)
    details: list[Difference] = field(default_factory=list)
    in_place: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Created:
    """The new (or adopted) connector's id and outputs."""

    id: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class Found:
    """A read: an empty id means gone."""

    id: str
    outputs: dict[str, Any]

    @property
    def inputs(self) -> dict[str, Any]:
        """The inputs that declare the live connector."""
        return inputs_from_outputs(self.outputs) if self.id else {}

    def declares_as(self, old_outputs: dict[str, Any]) -> bool:
        """Whether the live connector is declared by the same inputs as `old_outputs` was."""
        if all(self.outputs.get(k) == old_outputs.get(k) for k in INPUT_SOURCES):
            return True  # inputs_from_outputs reads nothing else
        return self.inputs == inputs_from_outputs(old_outputs)


class Lifecycle:
    """Check, diff, create, read, update and delete of Mixpanel connectors.

    One per provider process: it holds the settings, one client per settings and region, and
    the ledger of the deployment. Nothing of it is ever pickled.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._lock = threading.Lock()
        self._settings = settings
        self._clients: dict[str, tuple[Settings, MixpanelClient]] = {}
        """By region, with the settings each client was made from."""
        self._ledger = Ledger()

    def configure(self, config: dict[str, Any]) -> None:
        """Settings from the provider's configuration (Pulumi config keys), then the environment."""
        self._settings = Settings.resolve(config)

    @property
    def settings(self) -> Settings:
        """Settings from configure(), or from the environment when configure() never ran."""
        if self._settings is None:
            self._settings = Settings.resolve()
        return self._settings

    def client(self, region: str) -> MixpanelClient:
        """The shared client for these settings and region."""
        settings = self.settings
        cached = self._clients.get(region)  # every call asks: keep the hit cheap
        if cached is not None and cached[0] is settings:
            return cached[1]
        missing = settings.missing_credentials()
        if missing:
            raise ConfigurationError("; ".join(missing))
        with self._lock:
            cached = self._clients.get(region)
            if cached is None or cached[0] is not settings:
                cached = (settings, settings.client(region))
                self._clients[region] = cached
        return cached[1]

    # -- lifecycle ---------------------------------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> Checked:
        """Fill defaults, resolve project and region, and report every problem by property path."""
        settings = self.settings
        try:
            inputs, problems = normalize_inputs(news, settings.project_id, settings.region)
            if not problems:
                problems = ownership_problems(olds, inputs, self._ledger)
        except Exception as exc:  # bad input must never crash the provider
            inputs = {k: v for k, v in news.items() if k != PROVIDER_KEY}
            problems = [("", f"could not read the inputs ({type(exc).__name__}: {exc})")]
        problems.extend(("", problem) for problem in settings.problems)
        problems.extend(("", problem) for problem in settings.missing_credentials())
        return Checked(inputs, problems)

    def diff(self, olds: dict[str, Any], news: dict[str, Any]) -> Diffed:
        """Every change of a replacing input replaces the connector, deleting it first."""
        owner = owner_of(news)
        connector_id = olds.get("connector_id")
        if owner is not None and isinstance(connector_id, str) and connector_id:
            self._claim(connector_id, owner, "remove one of them from the program")
        refused = adoption_change(olds, news)
        if refused is not None:
            raise ConnectorError(refused)
        details = changed_paths(olds, news)
        if self.settings.base_url is not None:
            # the base URL decides where the API is, not the region
            details = [found for found in details if found.path != "region"]
        changed = list(dict.fromkeys(found.path.split(".")[0] for found in details))
        outcome = first_import_status(olds)
        waits = news.get("wait_for_import") is not None
        if outcome == "failed" and waits:
            # the first import failed: make a fresh connector
            changed.append("wait_for_import")
            details.append(Difference("wait_for_import", "failed", news.get("wait_for_import")))
        if changed:
            details.extend(dropped_keys(olds, news, changed))
            if isinstance(connector_id, str):
                self._ledger.replacing(owner, connector_id)
            return Diffed(changes=True, replaces=changed, details=details)
        if olds.get("wait_for_import") != news.get("wait_for_import"):
            return Diffed(changes=True, in_place=["wait_for_import"])
        if waits and outcome not in (None, "success"):
            return Diffed(changes=True)  # not over yet: look again in update
        return Diffed(changes=False)

    def create(self, props: dict[str, Any]) -> Created:
        """POST the connector, or adopt `existing_connector_id` after checking it matches."""
        unchecked = [key for key in ("project_id", "region", "connector_type") if key not in props]
        if unchecked:
            raise ConnectorError(
                f"create received inputs without {', '.join(unchecked)}: they did not go through "
                "check, which the Pulumi engine always runs first; nothing was created"
            )
        project = normalize_project_id(props["project_id"])
        client = self.client(props["region"])
        owner = owner_of(props)
        existing = props.get("existing_connector_id")
        if existing and self._ledger.was_deleted(existing):
            existing = None  # a replacement deleted it: make a new connector, as an import would
        where = f"in project {project}"
        try:
            if existing:
                self._claim(existing, owner, "remove existing_connector_id from one of them")
                try:
                    connector = self._adopt(client, project, existing, props)
                except Exception:
                    self._ledger.release(existing)
                    raise
            else:
                # check validated the spec; posting it as it is spares a second validation
                connector = create_exactly_once(
                    client,
                    project,
                    spec_body(props),
                    claims=self._ledger,
                    owner=owner,
                    deadline_seconds=self.settings.timeout_seconds,
                )
        except MixpanelError as exc:
            action = f"adopting connector {existing}" if existing else "creating the connector"
            after = self._after_replacement(owner, props.get("existing_connector_id"))
            if existing and isinstance(exc, NotFoundError):
                after += (
                    f". If a replacement deleted {existing}, remove existing_connector_id and run "
                    "`pulumi up` again to create a new connector"
                )
            raise ConnectorError(f"{action} {where} failed: {exc}{after}") from None
        self._ledger.replaced_done(owner)
        outs = outputs(connector, props, declared_keys(props))
        wait = props.get("wait_for_import")
        if isinstance(wait, dict):
            # Never raises: the connector exists now, so it must reach state whatever the run did.
            outs["last_import"] = wait_for_first_import(
                client, project, connector["connector_id"], float(wait["timeout_seconds"])
            )
        return Created(connector["connector_id"], outs)

    def _claim(self, connector_id: str, owner: str | None, fix: str) -> None:
        """Record that `owner` manages the connector, or refuse naming both resources."""
        other = self._ledger.claim(connector_id, owner)
        if other is not None:
            raise ConnectorError(
                f"connector {connector_id} is managed by both {other} and {owner_label(owner)}; "
                f"one connector must never be managed by two resources: {fix}, or "
                "`pulumi state delete` one"
            )

    def _after_replacement(self, owner: str | None, adopted: object) -> str:
        old = self._ledger.replaced(owner)
        if old is None:
            return ""
        then = (
            f"remove existing_connector_id (it names the deleted {old}), fix the cause and run "
            "`pulumi up` again to create its replacement"
            if adopted == old
            else "fix the cause and run `pulumi up` again to create its replacement"
        )
        return (
            f". The old connector {old} was already deleted by this replacement "
            f"(delete-before-replace), so nothing imports for {owner_label(owner)} now: {then}"
        )

    @staticmethod
    def _adopt(
        client: MixpanelClient, project: int, connector_id: str, props: dict[str, Any]
    ) -> dict[str, Any]:
        connector = client.get_connector(project, connector_id)
        live = connector.model_dump(include={*SPEC_FIELDS})
        found = differences(live, {k: props[k] for k in SPEC_FIELDS if k in props})
        if found:
            raise ConnectorError(
                f"connector {connector_id} in project {project} does not match the declared "
                f"inputs, so it was not adopted: {'; '.join(found)}. Declare the values it "
                "has, or drop existing_connector_id to create a new connector."
            )
        return connector.plain()

    def read(self, id_: str, props: dict[str, Any]) -> Found:
        """GET the connector; gone means an empty id, so the engine drops it from state."""
        project_part, sep, connector_id = id_.rpartition(":")
        source = project_part if sep else props.get("project_id") or self.settings.project_id
        try:
            project = normalize_project_id(source)
        except ValueError:
            raise ConnectorError(
                f"reading connector {id_!r} needs a project id: use the id form "
                "'<project_id>:<connector_id>', or set mixpanel:projectId / MIXPANEL_PROJECT_ID"
            ) from None
        region = props.get("region") or self.settings.region
        client = self.client(region)
        try:
            connector = client.get_connector_values(project, connector_id)
        except NotFoundError:
            self._require_project(client, project, f"refreshing connector {connector_id}")
            return Found("", {})
        except MixpanelError as exc:
            raise ConnectorError(f"reading connector {connector_id} failed: {exc}") from None
        inputs = {"project_id": project, "region": region}
        inputs.update(
            {k: props[k] for k in (*IN_PLACE_FIELDS, OWNER_KEY) if props.get(k) is not None}
        )
        outs = outputs(connector, inputs, declared_of(props))
        last_import = props.get("last_import")
        if isinstance(last_import, dict):
            outs["last_import"] = reread_first_import(client, project, connector_id, last_import)
        return Found(id_, outs)

    @staticmethod
    def _require_project(client: MixpanelClient, project: int, doing: str) -> None:
        """Raise unless the project answers: a 404 for a whole project is not "gone"."""
        try:
            client.list_first_page(project)
        except NotFoundError:
            raise ConnectorError(
                f"{doing}: project {project} was not found at {client.base_url} (the whole "
                "project answers 404), so whether the connector exists cannot be told and "
                "nothing was changed; check mixpanel:projectId, mixpanel:region and "
                "mixpanel:baseUrl. The connector may still exist in the right project"
            ) from None
        except MixpanelError as exc:
            raise ConnectorError(f"{doing}: could not tell whether it exists: {exc}") from None

    def update(self, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """Inputs that need no new connector change in place; keep every output.

        A first import whose wait ended before it did is waited for again.
        """
        outs = {k: v for k, v in olds.items() if k != PROVIDER_KEY}
        for key in (*IN_PLACE_FIELDS, OWNER_KEY):
            if news.get(key) is not None:
                outs[key] = news[key]
            else:
                outs.pop(key, None)
        wait = news.get("wait_for_import")
        if isinstance(wait, dict) and first_import_status(olds) not in (None, "success", "failed"):
            project = normalize_project_id(olds["project_id"])
            client = self.client(olds.get("region") or self.settings.region)
            outs["last_import"] = wait_for_first_import(
                client, project, str(olds["connector_id"]), float(wait["timeout_seconds"])
            )
        return outs

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """DELETE the connector; already gone counts as deleted."""
        project_part, sep, connector_id = id_.rpartition(":")
        project = normalize_project_id(project_part if sep else props["project_id"])
        if self._ledger.managed_by_another(connector_id, owner_of(props)):
            return  # handed over: another resource of this deployment adopted it
        client = self.client(props.get("region") or self.settings.region)
        try:
            client.delete_connector(project, connector_id)
        except NotFoundError:
            self._require_project(client, project, f"deleting connector {connector_id}")
        except MixpanelError as exc:
            exists = still_exists(client, project, connector_id)
            if exists is not False:
                state = "It still exists" if exists else "It may still exist"
                raise ConnectorError(
                    f"deleting connector {connector_id} in project {project} failed: {exc}. "
                    f"{state}; run the operation again once the cause is fixed."
                ) from None
        self._ledger.deleted(connector_id)
