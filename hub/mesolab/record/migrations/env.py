"""Alembic environment of the central record.

The engine comes from ``config.attributes["engine"]`` (set by :mod:`mesolab.record.db`) or,
when run by the ``alembic`` command, from the ``sqlalchemy.url`` option. SQLite uses batch
mode so later migrations can alter tables.
"""

from alembic import context
from sqlalchemy import create_engine

from mesolab.record.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
