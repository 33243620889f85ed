"""Alembic migrations, packaged inside `schemas` so an installed package can upgrade itself."""
