"""The store: the only code that issues SQL. One SQLite project file per project."""

from brightspots.store.database import Store

__all__ = ["Store"]
