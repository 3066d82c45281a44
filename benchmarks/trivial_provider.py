"""The baseline for cold start: a dynamic provider that does nothing at all."""

from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, ResourceProvider


class TrivialProvider(ResourceProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult("id", props)
