"""What the command line runs for deletion tombstones, in one committed transaction."""

from service.config import Settings


async def purge_expired(url: str, settings: Settings) -> int:
    """Remove the tombstones older than DELETIONS_RETENTION_DAYS; return how many."""
    from service.actor import SYSTEM
    from service.db import make_engine, make_sessionmaker
    from service.deletions import service

    engine = make_engine(url, settings.model_copy(update={"db_pool_size": 1}))
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            return await service.purge(session, SYSTEM, settings.deletions_retention_days)
    finally:
        await engine.dispose()
