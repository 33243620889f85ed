"""Alembic environment: always driven from Warehouse.upgrade(), which hands over an open connection.

No alembic.ini is needed: the caller sets `script_location` on the Config and
puts the connection in `config.attributes["connection"]`.
"""

from __future__ import annotations

from alembic import context

from schemas.tables import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through schemas.warehouse.Warehouse(url).upgrade()")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
