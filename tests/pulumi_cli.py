"""The real `pulumi` CLI with a throwaway local backend, for the tests that run it when present."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import PROJECT, SECRET


def local_pulumi(project: Path, state: Path) -> Callable[..., str]:
    """`pulumi <args> --non-interactive` in `project`, state under `state`; each call must
    succeed and never print the secret. Returns its stdout."""
    state.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{state}",
        "PULUMI_CONFIG_PASSPHRASE": "throwaway",
        "PULUMI_SKIP_UPDATE_CHECK": "1",
    }

    def pulumi(*args: str) -> str:
        done = subprocess.run(
            ["pulumi", *args, "--non-interactive"],
            cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert SECRET not in done.stdout + done.stderr
        return done.stdout

    return pulumi


def configure_stack(pulumi: Callable[..., str], api_url: str) -> None:
    """A new stack `dev` with the demo account, the test project and the emulator's URL."""
    pulumi("stack", "init", "dev")
    pulumi("config", "set", "mixpanel:serviceAccount", "demo")
    pulumi("config", "set", "--secret", "mixpanel:serviceAccountSecret", SECRET)
    pulumi("config", "set", "mixpanel:projectId", str(PROJECT))
    pulumi("config", "set", "mixpanel:baseUrl", api_url)
