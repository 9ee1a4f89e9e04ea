"""Rows inserted many at a time in one statement at the driver level.

SQLAlchemy's executemany runs one statement per row (one SQLite step each, each letting
go of the interpreter lock, a chance for another thread to keep it for a while) and
processes every parameter inside the writing transaction. A :class:`BulkInsert`
renders a row's values for the database beforehand (with the columns' own bind
processors) and inserts up to a few hundred rows per ``INSERT ... VALUES (...), (...)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect

_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


class BulkInsert:
    """A multi-row INSERT into ``table`` for one dialect."""

    def __init__(self, table: Table, dialect: Dialect, rows_per_statement: int = 200) -> None:
        placeholder = _PLACEHOLDERS.get(dialect.paramstyle)
        if placeholder is None:
            raise ValueError(f"paramstyle {dialect.paramstyle} is not supported")
        quote = dialect.identifier_preparer.quote
        self.columns = tuple(column.key for column in table.columns)
        self._processors: tuple[Callable[[Any], Any] | None, ...] = tuple(
            column.type.dialect_impl(dialect).bind_processor(dialect) for column in table.columns
        )
        self._head = (
            f"INSERT INTO {quote(table.name)} "
            f"({', '.join(quote(column.name) for column in table.columns)}) VALUES "
        )
        self._row_sql = "(" + ", ".join([placeholder] * len(self.columns)) + ")"
        self._per_statement = max(1, rows_per_statement)

    def position(self, column: str) -> int:
        """Where ``column``'s value sits in a rendered row."""
        return self.columns.index(column)

    def render(self, row: Mapping[str, Any]) -> list[Any]:
        """The values of ``row`` (every column, by key) as the driver takes them."""
        return [
            value if process is None else process(value)
            for process, value in zip(
                self._processors, (row[name] for name in self.columns), strict=True
            )
        ]

    def renderer(self, fixed: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], list[Any]]:
        """A :meth:`render` for rows that all hold the values ``fixed`` (rendered once here).

        The rows it renders need only the other columns.
        """
        template = [None] * len(self.columns)
        varying: list[tuple[int, str, Callable[[Any], Any] | None]] = []
        for at, (name, process) in enumerate(zip(self.columns, self._processors, strict=True)):
            if name in fixed:
                value = fixed[name]
                template[at] = value if process is None else process(value)
            else:
                varying.append((at, name, process))

        def render(row: Mapping[str, Any]) -> list[Any]:
            values = list(template)
            for at, name, process in varying:
                value = row[name]
                values[at] = value if process is None else process(value)
            return values

        return render

    def run(self, connection: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """Insert the rendered ``rows``, a few hundred per statement."""
        for start in range(0, len(rows), self._per_statement):
            chunk = rows[start : start + self._per_statement]
            connection.exec_driver_sql(
                self._statement(len(chunk)), tuple(value for row in chunk for value in row)
            )

    @functools.lru_cache(maxsize=8)  # noqa: B019 - a handful of chunk sizes per table
    def _statement(self, rows: int) -> str:
        return self._head + ", ".join([self._row_sql] * rows)


@functools.lru_cache(maxsize=16)
def bulk_insert(table: Table, dialect: Dialect) -> BulkInsert:
    """The :class:`BulkInsert` of ``table`` for ``dialect`` (made once)."""
    return BulkInsert(table, dialect)


class KeyLookup:
    """The rows of a table whose key column holds one of many values, at the driver level.

    What an expanding ``IN`` through SQLAlchemy does, without compiling the statement
    anew for each count of values: keys are rendered with the key column's bind
    processor and the columns read back with their result processors.
    """

    def __init__(
        self,
        table: Table,
        key: str,
        columns: Sequence[str],
        dialect: Dialect,
        keys_per_statement: int = 500,
    ) -> None:
        placeholder = _PLACEHOLDERS.get(dialect.paramstyle)
        if placeholder is None:
            raise ValueError(f"paramstyle {dialect.paramstyle} is not supported")
        quote = dialect.identifier_preparer.quote
        self._placeholder = placeholder
        key_type = table.columns[key].type.dialect_impl(dialect)
        self._render_key = key_type.bind_processor(dialect)
        self._readers = tuple(
            table.columns[name].type.dialect_impl(dialect).result_processor(dialect, None)
            for name in columns
        )
        self._head = (
            f"SELECT {', '.join(quote(table.columns[name].name) for name in columns)} "
            f"FROM {quote(table.name)} WHERE {quote(table.columns[key].name)} IN ("
        )
        self._per_statement = max(1, keys_per_statement)

    def find(self, connection: Connection, keys: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The rows whose key is among ``keys`` (each column as SQLAlchemy reads it)."""
        render = self._render_key
        rendered = [key if render is None else render(key) for key in keys]
        found: list[tuple[Any, ...]] = []
        readers = self._readers
        for start in range(0, len(rendered), self._per_statement):
            chunk = rendered[start : start + self._per_statement]
            rows = connection.exec_driver_sql(self._statement(len(chunk)), tuple(chunk))
            for row in rows:
                found.append(
                    tuple(
                        value if read is None or value is None else read(value)
                        for read, value in zip(readers, row, strict=True)
                    )
                )
        return found

    @functools.lru_cache(maxsize=8)  # noqa: B019 - a handful of chunk sizes per lookup
    def _statement(self, keys: int) -> str:
        return self._head + ", ".join([self._placeholder] * keys) + ")"
