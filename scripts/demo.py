"""`make demo`: a connector round trip through the client against the local emulator.

Starts `mixpanel-connectors emulator` on a free port, creates an S3 and a GCS connector, lists
them, follows the first import run to its end, deletes both, and stops the emulator whatever
happens. Exits non-zero on any failure.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from mixpanel_connectors import MixpanelClient, MixpanelError, S3ConnectorSpec

PROJECT = 1234567


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "mixpanel_connectors.cli", "emulator", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--run-delay-ms", "400"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        raise SystemExit(f"the emulator did not start (printed {url!r})")
    threading.Thread(target=process.stdout.read, daemon=True).start()  # keep the pipe drained
    return process, url


def round_trip(client: MixpanelClient) -> None:
    s3 = client.create_connector(
        PROJECT,
        S3ConnectorSpec.model_validate(
            {
                "label": "events from S3",
                "connector_properties": {
                    "s3_bucket": "acme-mixpanel-events",
                    "s3_prefix": "events/",
                    "s3_region": "us-east-2",
                    "s3_role": "arn:aws:iam::123456789012:role/mixpanel-import",
                },
                "category_properties": {"data_format": "mixpanel_event", "compression": "gzip"},
            }
        ),
    )
    print(f"created  {s3.connector_id}  s3Import   status={s3.status}  created_at={s3.created_at}")
    gcs = client.create_connector(
        PROJECT,
        {
            "connector_type": "gcsImport",
            "label": "people from GCS",
            "connector_properties": {"gcs_bucket": "acme-mixpanel-people", "gcs_prefix": "users/"},
            "category_properties": {"data_format": "mixpanel_people"},
        },
    )
    print(f"created  {gcs.connector_id}  gcsImport  status={gcs.status}")

    print("\nconnectors in project", PROJECT)
    for connector in client.list_connectors(PROJECT):
        props = connector.connector_properties
        bucket = props.get("s3_bucket") or props.get("gcs_bucket")
        prefix = props.get("s3_prefix", props.get("gcs_prefix"))
        print(f"  {connector.connector_id}  {connector.connector_type:<9}  {bucket}/{prefix}")

    print(f"\nfirst import run of {s3.connector_id}")
    last = None
    for _ in range(50):
        run = client.connector_history(PROJECT, s3.connector_id)[0]
        if run.status != last:
            print(f"  {run.status:<8} progress={run.progress}")
            last = run.status
        if run.status in ("success", "failed"):
            break
        time.sleep(0.1)

    print()
    for connector in (s3, gcs):
        message = client.delete_connector(PROJECT, connector.connector_id)
        print(f"deleted  {connector.connector_id}: {message}")
    remaining = list(client.list_connectors(PROJECT))
    print(f"\n{len(remaining)} connectors left in project {PROJECT}")
    if remaining:
        raise SystemExit("expected no connectors after the round trip")


def main() -> int:
    process, url = start_emulator()
    print(f"emulator serving {url} (service account demo:demo-secret, project {PROJECT})\n")
    try:
        with MixpanelClient("demo", "demo-secret", base_url=url) as client:
            round_trip(client)
    except MixpanelError as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    finally:
        process.terminate()
        process.wait(timeout=10)
    print("emulator stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
