"""`trendcache settings`: every setting with its value and meaning."""

from __future__ import annotations

from rich.table import Table

from trendcache.cli.shared import console, settings_or_exit
from trendcache.config import Settings


def show_settings() -> None:
    """List every setting, its current value (secrets hidden) and what it does."""
    settings, _ = settings_or_exit()
    table = Table("variable", "value", "meaning")
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        shown = "(set)" if "secret" in name and value else str(value)
        table.add_row(name.upper(), shown, field.description or "")
    console.print(table)
