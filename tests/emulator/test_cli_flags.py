"""The emulator command's flags and variables: a bad one is one line naming it, exit code 2."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from mixpanel_connectors.cli import main
from mixpanel_connectors.emulator import Emulator


@pytest.fixture(autouse=True)
def never_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    """A flag that is wrongly accepted fails the test instead of serving forever."""

    def refuse_to_serve(self: Emulator) -> None:
        self.close()
        raise AssertionError("the emulator started instead of refusing its settings")

    monkeypatch.setattr(Emulator, "serve_forever", refuse_to_serve)


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


def refused(capfd: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(["emulator", *argv]) == 2
    out, err = capfd.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--fail-rate", "2"], "--fail-rate"),
        (["--fail-rate", "nan"], "--fail-rate"),
        (["--fault-status", "abc"], "--fault-status"),
        (["--fault-status", "200"], "--fault-status"),
        (["--latency-ms", "-5"], "--latency-ms"),
        (["--latency-ms", "inf"], "--latency-ms"),
        (["--page-size", "0"], "--page-size"),
        (["--page-size", "x"], "--page-size"),
        (["--run-delay-ms", "-1"], "--run-delay-ms"),
        (["--port", "70000"], "--port"),
        (["--port", "http"], "--port"),
        (["--seed", "one"], "--seed"),
        (["--project", str(2**63)], "--project"),
        (["--project", "\u0661"], "--project"),
        (["--service-account", "a:b:notanumber"], "--service-account"),
        (["--service-account", "nosecret"], "--service-account"),
        (["--host", "256.1.1.1", "--port", "0"], "--host"),
        (["--shapes", "idealised"], "--shapes"),
    ],
)
def test_a_bad_flag_is_one_line_naming_it(
    capfd: pytest.CaptureFixture[str], argv: list[str], named: str
) -> None:
    assert named in refused(capfd, argv)


def test_a_port_in_use_is_one_line_naming_it(
    capfd: pytest.CaptureFixture[str], taken_port: int
) -> None:
    err = refused(capfd, ["--host", "127.0.0.1", "--port", str(taken_port)])
    assert f"--port {taken_port}" in err and "in use" in err


@pytest.mark.parametrize("kind", ["not-sqlite", "folder", "missing-folder"])
def test_data_that_is_not_a_sqlite_file_is_one_line_naming_it(
    capfd: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    target = {
        "not-sqlite": tmp_path / "notes.txt",
        "folder": tmp_path,
        "missing-folder": tmp_path / "nowhere" / "state.db",
    }[kind]
    (tmp_path / "notes.txt").write_text("hello, not a database\n" * 100)
    assert "--data" in refused(capfd, ["--port", "0", "--data", str(target)])


def test_buckets_that_is_not_a_folder_is_one_line_naming_it(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert "--buckets" in refused(capfd, ["--port", "0", "--buckets", str(tmp_path / "nope")])


def test_a_bad_variable_is_one_line_naming_it(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIXPANEL_EMULATOR_PORT", "abc")
    assert "MIXPANEL_EMULATOR_PORT" in refused(capfd, [])


@pytest.mark.parametrize("name", ["PORT", "PAGE_SIZE", "RUN_DELAY_MS", "FAIL_RATE", "LATENCY_MS"])
def test_a_bad_emulator_variable_does_not_break_other_subcommands(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(f"MIXPANEL_EMULATOR_{name}", "not-a-number")
    for variable in ("MIXPANEL_SERVICE_ACCOUNT", "MIXPANEL_SERVICE_ACCOUNT_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["list", "--project", "1"]) == 2
    err = capfd.readouterr().err
    assert "MIXPANEL_EMULATOR" not in err and "Traceback" not in err
