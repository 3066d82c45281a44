"""`make demo`: the quickstart Pulumi program against the local emulator, end to end.

Lays a few NDJSON files in a temporary bucket folder, starts `mixpanel-connectors emulator` on a
free port with demo credentials and those buckets, then previews,
deploys, shows and destroys examples/quickstart: with the real `pulumi` CLI when it is on PATH
(local file backend and a throwaway passphrase in a temporary directory), otherwise with the
offline runner. Between up and destroy it lists the connectors the emulator holds. The emulator
is stopped whatever happens; any failure exits non-zero.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

from mixpanel_connectors import MixpanelClient
from mixpanel_connectors._api.import_runs import first_run

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
PROJECT = 1234567
ACCOUNT, SECRET = "demo", "demo-secret"
CLI = [sys.executable, "-m", "mixpanel_connectors.cli"]
# One record per event file lacks properties.time, which the mixpanel_event format needs.
UNTIMED = {"event": "no time: Mixpanel drops it", "properties": {}}
INTRO = """\
This demo deploys examples/quickstart (an S3 events connector and a GCS people connector, each
waiting for its first import) against a local emulator of the Mixpanel API, whose "buckets" are
files on disk. It previews, deploys, lists what exists, explains what was imported, and destroys.
"""


class StepFailed(Exception):
    pass


def lay_bucket_files(buckets: Path) -> None:
    """A few NDJSON files for the quickstart's buckets: gzip events, plain people records."""
    events = buckets / "s3" / "acme-mixpanel-events" / "events"
    people = buckets / "gcs" / "acme-mixpanel-people" / "users"
    events.mkdir(parents=True)
    people.mkdir(parents=True)
    for day in (1, 2):
        records = [
            {
                "event": name,
                "properties": {"time": 1764288000 + day * 86400 + i, "distinct_id": f"user-{i}"},
            }
            for i, name in enumerate(["Signed Up", "Viewed Page", "Purchased"] * 4)
        ]
        records.append(UNTIMED)
        lines = "".join(json.dumps(r) + "\n" for r in records).encode()
        (events / f"2026-11-0{day}.json.gz").write_bytes(gzip.compress(lines))
    users = [{"$distinct_id": f"user-{i}", "$set": {"plan": "pro"}} for i in range(5)]
    (people / "users.json").write_text("".join(json.dumps(u) + "\n" for u in users))
    print(
        f"Laid 2 gzip event files (13 records each, 1 of them without a time) and 1 people file "
        f"(5 records) under {buckets}."
    )


def show_imported(url: str, client: MixpanelClient) -> None:
    """What each first import read, kept and dropped, and why records were dropped."""
    with urllib.request.urlopen(f"{url}/_emulator/imported?project={PROJECT}") as answer:
        imported = json.load(answer)
    print(f"\nRecords the emulator imported into project {PROJECT}: {imported['count']}")
    for connector in client.list_connectors(PROJECT):
        run = first_run(client.connector_history(PROJECT, connector.connector_id))
        if run is None:
            continue
        kept, read = run.num_events_imported or 0, run.num_events_processed or 0
        print(f"  {connector.label}: {kept} of {read} records imported")
        if run.num_events_dropped and connector.category_properties.get("data_format") == (
            "mixpanel_event"
        ):
            print(
                f"    {run.num_events_dropped} dropped: each event file holds one record without "
                f"properties.time,\n    {json.dumps(UNTIMED)};\n    the mixpanel_event format "
                "needs `event` and `properties.time`, so Mixpanel skips\n    such records "
                "(counted in num_events_dropped) rather than failing the import."
            )


def start_emulator(buckets: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [*CLI, "emulator", "--port", "0", "--service-account", f"{ACCOUNT}:{SECRET}",
         "--project", str(PROJECT), "--run-delay-ms", "300", "--buckets", str(buckets)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        raise StepFailed(f"the emulator did not start (it printed {url!r})")
    threading.Thread(target=process.stdout.read, daemon=True).start()  # keep the pipe drained
    return process, url


def step(title: str, command: list[str], env: dict[str, str], cwd: Path = ROOT) -> None:
    print(f"\n$ {title}", flush=True)
    done = subprocess.run(command, env=env, cwd=cwd, check=False)
    if done.returncode != 0:
        raise StepFailed(f"{title} failed with exit code {done.returncode}")


def list_connectors(url: str, env: dict[str, str]) -> None:
    step("mixpanel-connectors list", [*CLI, "list"], env)
    with MixpanelClient(ACCOUNT, SECRET, base_url=url) as client:
        connectors = list(client.list_connectors(PROJECT))
        if len(connectors) != 2:
            raise StepFailed(f"expected the quickstart's 2 connectors, found {len(connectors)}")
        show_imported(url, client)


def with_pulumi_cli(env: dict[str, str], url: str, work: Path) -> None:
    print("Using the Pulumi CLI on PATH, with a local file backend in a temporary directory.")
    project = work / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        "name: mixpanel-connectors-quickstart\n"
        "runtime:\n  name: python\n  options:\n"
        f"    virtualenv: {Path(sys.prefix)}\n"
        f"main: {QUICKSTART}\n"
    )
    (work / "state").mkdir()
    env = {
        **env,
        "PULUMI_BACKEND_URL": f"file://{work / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": "throwaway-demo-passphrase",
        "PULUMI_SKIP_UPDATE_CHECK": "1",
    }
    pulumi = ["pulumi", "--non-interactive"]
    step("pulumi stack init demo", [*pulumi, "stack", "init", "demo"], env, project)
    step("pulumi preview", [*pulumi, "preview"], env, project)
    step("pulumi up --yes", [*pulumi, "up", "--yes"], env, project)
    step("pulumi stack output", [*pulumi, "stack", "output"], env, project)
    list_connectors(url, env)
    step("pulumi destroy --yes", [*pulumi, "destroy", "--yes"], env, project)
    step("pulumi stack rm --yes demo", [*pulumi, "stack", "rm", "--yes", "demo"], env, project)


def with_offline_runner(env: dict[str, str], url: str, work: Path) -> None:
    print(
        "The Pulumi CLI is not on PATH, so the same steps run through the offline runner: the\n"
        "Connectors go through the real dynamic-provider host to the emulator."
    )
    run = [*CLI, "run", ".", "--stack", "demo", "--state", str(work / "state.json")]
    step("mixpanel-connectors run . preview", [*run, "preview"], env)
    step("mixpanel-connectors run . up", [*run, "up"], env)
    list_connectors(url, env)
    step("mixpanel-connectors run . destroy --yes", [*run, "destroy", "--yes"], env)


def main() -> int:
    print(INTRO)
    buckets = Path(tempfile.mkdtemp(prefix="mixpanel-demo-buckets-"))
    try:
        lay_bucket_files(buckets)
        process, url = start_emulator(buckets)
    except StepFailed as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        shutil.rmtree(buckets, ignore_errors=True)
        return 1
    print(f"Emulator serving {url} (service account {ACCOUNT}, project {PROJECT}).")
    env = {
        **os.environ,
        "MIXPANEL_SERVICE_ACCOUNT": ACCOUNT,
        "MIXPANEL_SERVICE_ACCOUNT_SECRET": SECRET,
        "MIXPANEL_PROJECT_ID": str(PROJECT),
        "MIXPANEL_BASE_URL": url,
    }
    try:
        with tempfile.TemporaryDirectory(prefix="mixpanel-demo-") as tmp:
            if shutil.which("pulumi"):
                with_pulumi_cli(env, url, Path(tmp))
            else:
                with_offline_runner(env, url, Path(tmp))
        with MixpanelClient(ACCOUNT, SECRET, base_url=url) as client:
            left = list(client.list_connectors(PROJECT))
        if left:
            raise StepFailed(f"{len(left)} connectors are left after destroy")
        print("\nAll connectors destroyed; the emulator holds none.")
    except StepFailed as exc:
        print(f"\ndemo failed: {exc}", file=sys.stderr)
        return 1
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(buckets, ignore_errors=True)
        print("Emulator stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
