"""What an import run does: read a connector's files from a local bucket folder, as Mixpanel would.

S3 bucket `b` is the folder `BUCKETS/s3/b` and GCS bucket `b` is `BUCKETS/gcs/b`; objects are
the files under it, keyed by their relative path and matched by plain string prefix. Files are
NDJSON (optionally gzip); records without the fields their data format needs are dropped.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .files import OutsideBuckets, bucket_files
from .validation import REMAP_KEYS

MAX_FILE_BYTES = 2 * 1024**3
_GZIP_MAGIC = b"\x1f\x8b"


class ImportFailed(Exception):
    """The run fails with this message and code, as Mixpanel reports it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class ImportOutcome:
    """The end of a run: counters, the records imported, or the error that failed it."""

    error: ImportFailed | None = None
    num_events_processed: int = 0
    num_events_imported: int = 0
    num_events_dropped: int = 0
    num_files_imported: int = 0
    size_imported: int = 0
    records: list[dict[str, Any]] = field(default_factory=list)


def _has_time(record: dict[str, Any]) -> bool:
    props = record.get("properties")
    return isinstance(props, dict) and props.get("time") is not None


def _keeps(record: object, category: dict[str, Any]) -> bool:
    """Whether Mixpanel would import this record under the connector's data format."""
    if not isinstance(record, dict):
        return False
    fmt = category.get("data_format")
    if fmt == "mixpanel_event":
        return isinstance(record.get("event"), str) and _has_time(record)
    if fmt == "mixpanel_people":
        return record.get("$distinct_id") is not None
    if fmt == "mixpanel_group":
        return record.get("$group_key") is not None and record.get("$group_id") is not None
    remap = category.get("property_remap") or {}
    columns = [remap.get(key) for key in REMAP_KEYS.get(str(fmt), ())]
    return all(column is not None and record.get(column) is not None for column in columns)


def _location(connector: dict[str, Any]) -> tuple[str, str, str]:
    props = connector["connector_properties"]
    if connector["connector_type"] == "s3Import":
        return "s3", props["s3_bucket"], props.get("s3_prefix", "")
    return "gs", props["gcs_bucket"], props.get("gcs_prefix", "")


def _denied(scheme: str, bucket: str, prefix: str, connector: dict[str, Any]) -> ImportFailed:
    if scheme == "s3":
        role = connector["connector_properties"].get("s3_role")
        return ImportFailed(
            "access_denied",
            f"Access Denied: assuming {role} does not allow s3:ListBucket on "
            f"s3://{bucket}/{prefix} (check the role's trust and read policies)",
        )
    return ImportFailed(
        "access_denied",
        f"403 Forbidden: Mixpanel's service account has no storage.objects.list on "
        f"gs://{bucket}/{prefix} (grant it Storage Object Viewer on the bucket)",
    )


def _decode(key: str, data: bytes, compression: str | None) -> bytes:
    is_gzip = data[:2] == _GZIP_MAGIC
    if compression in (None, "none") and is_gzip:
        raise ImportFailed(
            "compression_mismatch", f"no compression specified but gzip detected in {key}"
        )
    if compression == "gzip" and not is_gzip:
        raise ImportFailed(
            "compression_mismatch", f"gzip compression specified but {key} is not gzip"
        )
    if not is_gzip:
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportFailed("corrupt_file", f"{key} is not a readable gzip file: {exc}") from exc


def _files(buckets: Path, root: Path, scheme: str, bucket: str) -> list[tuple[str, Path]]:
    try:
        return bucket_files(buckets, root)
    except OutsideBuckets as outside:
        where = f"{scheme}://{bucket}/{outside.key}"
        raise ImportFailed(
            "outside_buckets",
            f"{where} links outside the buckets folder; the emulator reads only files inside it",
        ) from None


def run_import(buckets: Path, connector: dict[str, Any], denied: set[str]) -> ImportOutcome:
    """Read every matching file and count what Mixpanel would import; never raises."""
    outcome = ImportOutcome()
    scheme, bucket, prefix = _location(connector)
    category = connector["category_properties"]
    try:
        if bucket in denied:
            raise _denied(scheme, bucket, prefix, connector)
        root = buckets / ("s3" if scheme == "s3" else "gcs") / bucket
        if not root.is_dir():
            raise ImportFailed(
                "bucket_not_found", f"The specified bucket does not exist: {scheme}://{bucket}"
            )
        files = _files(buckets, root, scheme, bucket)
        matching = [(key, path) for key, path in files if key.startswith(prefix)]
        if not matching:
            raise ImportFailed(
                "no_files", f"No files found under {scheme}://{bucket}/{prefix} to import"
            )
        for key, path in matching:
            size = path.stat().st_size
            if size >= MAX_FILE_BYTES:
                raise ImportFailed(
                    "file_too_large",
                    f"{key} is {size} bytes; a file of 2 GB or more cancels the import",
                )
            text = _decode(key, path.read_bytes(), category.get("compression"))
            for line in text.splitlines():
                if not line.strip():
                    continue
                outcome.num_events_processed += 1
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                if _keeps(record, category):
                    outcome.records.append(record)
                    outcome.num_events_imported += 1
                else:
                    outcome.num_events_dropped += 1
            outcome.num_files_imported += 1
            outcome.size_imported += size
    except ImportFailed as failed:
        outcome.error = failed
        outcome.records = []
    return outcome
