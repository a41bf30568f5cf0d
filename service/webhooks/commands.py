"""What the command line runs for the webhook log: the purge, one transaction per batch."""

from service.config import Settings


async def purge_expired(url: str, settings: Settings, batch: int | None = None) -> int:
    """Remove the events past WEBHOOK_LOG_RETENTION_DAYS, batch by batch; return how many."""
    from service.actor import SYSTEM
    from service.db import make_engine, make_sessionmaker
    from service.webhooks import retention

    limit = batch or retention.PURGE_BATCH
    days = settings.webhook_log_retention_days
    engine = make_engine(url, settings.model_copy(update={"db_pool_size": 1}))
    total = 0
    try:
        sessions = make_sessionmaker(engine)
        while True:
            async with sessions() as session, session.begin():
                removed = await retention.purge_batch(session, SYSTEM, days, limit)
            total += removed
            if removed < limit:
                return total
    finally:
        await engine.dispose()
