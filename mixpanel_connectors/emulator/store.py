"""Connector state of the emulator: one interface, in memory or persisted in SQLite."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class StoredConnector:
    """A connector record as the API shows it, with the project it lives in and when it was made."""

    project: int
    record: dict[str, Any]
    created_ts: float

    @property
    def connector_id(self) -> str:
        return str(self.record["connector_id"])


class Store(Protocol):
    """What the API routes need from state; implementations are safe to share between threads."""

    def add(self, item: StoredConnector) -> None: ...
    def get(self, project: int, connector_id: str) -> StoredConnector | None: ...
    def page(self, project: int, offset: int, limit: int) -> tuple[list[StoredConnector], int]: ...
    def delete(self, project: int, connector_id: str) -> bool: ...
    def reset(self) -> None: ...
    def close(self) -> None: ...


class MemoryStore:
    """State in a dict, lost when the emulator stops."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[int, str], StoredConnector] = {}

    def add(self, item: StoredConnector) -> None:
        with self._lock:
            self._items[(item.project, item.connector_id)] = item

    def get(self, project: int, connector_id: str) -> StoredConnector | None:
        with self._lock:
            return self._items.get((project, connector_id))

    def page(self, project: int, offset: int, limit: int) -> tuple[list[StoredConnector], int]:
        with self._lock:
            mine = [item for (p, _), item in self._items.items() if p == project]
        return mine[offset : offset + limit], len(mine)

    def delete(self, project: int, connector_id: str) -> bool:
        with self._lock:
            return self._items.pop((project, connector_id), None) is not None

    def reset(self) -> None:
        with self._lock:
            self._items.clear()

    def close(self) -> None:
        pass


class SqliteStore:
    """State in a SQLite file, so that a restarted emulator still has every connector."""

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS connectors ("
            " seq INTEGER PRIMARY KEY AUTOINCREMENT, project INTEGER NOT NULL,"
            " connector_id TEXT NOT NULL UNIQUE, record TEXT NOT NULL, created_ts REAL NOT NULL)"
        )

    @staticmethod
    def _item(row: tuple[int, str, float]) -> StoredConnector:
        return StoredConnector(project=row[0], record=json.loads(row[1]), created_ts=row[2])

    def add(self, item: StoredConnector) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO connectors (project, connector_id, record, created_ts)"
                " VALUES (?, ?, ?, ?)",
                (item.project, item.connector_id, json.dumps(item.record), item.created_ts),
            )

    def get(self, project: int, connector_id: str) -> StoredConnector | None:
        with self._lock:
            row = self._db.execute(
                "SELECT project, record, created_ts FROM connectors"
                " WHERE project = ? AND connector_id = ?",
                (project, connector_id),
            ).fetchone()
        return None if row is None else self._item(row)

    def page(self, project: int, offset: int, limit: int) -> tuple[list[StoredConnector], int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT project, record, created_ts FROM connectors WHERE project = ?"
                " ORDER BY seq LIMIT ? OFFSET ?",
                (project, limit, offset),
            ).fetchall()
            (total,) = self._db.execute(
                "SELECT COUNT(*) FROM connectors WHERE project = ?", (project,)
            ).fetchone()
        return [self._item(row) for row in rows], int(total)

    def delete(self, project: int, connector_id: str) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM connectors WHERE project = ? AND connector_id = ?",
                (project, connector_id),
            )
        return cursor.rowcount > 0

    def reset(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM connectors")

    def close(self) -> None:
        with self._lock:
            self._db.close()
