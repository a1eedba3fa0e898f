"""SQLAlchemy 2 async adapters: PostgreSQL (asyncpg) and SQLite (aiosqlite), Core + mappers."""
