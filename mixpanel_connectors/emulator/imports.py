"""What an import run does: read a connector's files from a local bucket folder, as Mixpanel would.

S3 bucket `b` is the folder `BUCKETS/s3/b` and GCS bucket `b` is `BUCKETS/gcs/b`; objects are
the files under it, keyed by their relative path and matched by plain string prefix. Files are
NDJSON (optionally gzip); records without the fields their data format needs are dropped.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeGuard

from .files import OutsideBuckets, bucket_files
from .lines import MAX_FILE_BYTES, ImportFailed, parse_record, read_lines, size_text
from .validation import REMAP_KEYS

SAMPLE_SIZE = 1000
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class ImportOutcome:
    """The end of a run: counters, a sample of the records imported, or the error that failed it."""

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


def _keeps(record: object, category: dict[str, Any]) -> TypeGuard[dict[str, Any]]:
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


def _open(key: str, path: Path, compression: str | None) -> gzip.GzipFile | BinaryIO:
    with path.open("rb") as probe:
        is_gzip = probe.read(2) == _GZIP_MAGIC
    if compression in (None, "none") and is_gzip:
        raise ImportFailed(
            "compression_mismatch", f"no compression specified but gzip detected in {key}"
        )
    if compression == "gzip" and not is_gzip:
        raise ImportFailed(
            "compression_mismatch", f"gzip compression specified but {key} is not gzip"
        )
    return gzip.open(path, "rb") if is_gzip else path.open("rb")


def _records(key: str, path: Path, compression: str | None, cap: int) -> Iterator[object]:
    """Each non-blank line of a file, parsed (None when unreadable), read one line at a time."""
    with _open(key, path, compression) as handle:
        for number, line in enumerate(read_lines(handle, key, cap), start=1):
            if line is None:
                yield None
            elif line.strip():
                yield parse_record(line, key, number)


def _files(buckets: Path, root: Path, scheme: str, bucket: str) -> list[tuple[str, Path]]:
    try:
        return bucket_files(buckets, root)
    except OutsideBuckets as outside:
        where = f"{scheme}://{bucket}/{outside.key}"
        raise ImportFailed(
            "outside_buckets",
            f"{where} links outside the buckets folder; the emulator reads only files inside it",
        ) from None


def run_import(
    buckets: Path,
    connector: dict[str, Any],
    denied: set[str],
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    sample: int = SAMPLE_SIZE,
) -> ImportOutcome:
    """Read every matching file and count what Mixpanel would import; never raises.

    Files are streamed line by line; only the first `sample` records imported are kept.
    """
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
            try:
                size = path.stat().st_size
                if size >= max_file_bytes:
                    raise ImportFailed(
                        "file_too_large",
                        f"{key} is {size} bytes; a file of {size_text(max_file_bytes)} or more "
                        "cancels the import",
                    )
                for record in _records(key, path, category.get("compression"), max_file_bytes):
                    outcome.num_events_processed += 1
                    if _keeps(record, category):
                        outcome.num_events_imported += 1
                        if len(outcome.records) < sample:
                            outcome.records.append(record)
                    else:
                        outcome.num_events_dropped += 1
            except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
                raise ImportFailed(
                    "corrupt_file", f"{key} is not a readable gzip file: {exc}"
                ) from exc
            except OSError as exc:
                raise ImportFailed(
                    "unreadable_file", f"{key} could not be read: {exc.strerror or exc}"
                ) from exc
            outcome.num_files_imported += 1
            outcome.size_imported += size
    except ImportFailed as failed:
        outcome.error = failed
        outcome.records = []
    return outcome
