"""Import of the Flask-era ``goals.db`` files (both schema states of LEGACY_SCHEMA.md)."""

from .importer import LegacyImporter, import_legacy
from .report import ImportReport
from .source import LegacyFileError, LegacySource

__all__ = ["ImportReport", "LegacyFileError", "LegacyImporter", "LegacySource", "import_legacy"]
