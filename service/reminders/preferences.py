"""Each account's opt-outs of reminders and of the digest (no row: both on)."""

from sqlalchemy.ext.asyncio import AsyncSession

from schema import NotificationPreference
from service import audit
from service.actor import Actor
from service.auth import accounts
from service.crud import apply_changes
from service.errors import ValidationFailed
from service.reminders.payloads import NotificationPreferencePublic, NotificationPreferenceUpdate

FIELDS = ("reminders", "digest")
ENTITY = "notification_preference"


async def get_preferences(session: AsyncSession, actor: Actor) -> NotificationPreferencePublic:
    """The emails the actor's account receives."""
    own = await accounts.get_own_account(session, actor)
    row = await session.get(NotificationPreference, own.id)
    if row is None:
        return NotificationPreferencePublic(reminders=True, digest=True)
    return NotificationPreferencePublic.model_validate(row)


async def update_preferences(
    session: AsyncSession, actor: Actor, data: NotificationPreferenceUpdate
) -> NotificationPreferencePublic:
    """Turn the actor's own reminders and/or digest on or off (audited)."""
    own = await accounts.get_own_account(session, actor)
    changes = data.model_dump(exclude_unset=True)
    for field in FIELDS:
        if field in changes and changes[field] is None:
            raise ValidationFailed(f"{field}: true or false is required.", field=field)
    account_id = accounts.account_id(own)
    row = await session.get(NotificationPreference, account_id, with_for_update=True)
    if row is None:
        row = NotificationPreference(account_id=account_id, **changes)
        session.add(row)
        await session.flush()
        after = audit.row_values(row)
        await audit.record(session, actor, "create", ENTITY, account_id, after=after)
        return NotificationPreferencePublic.model_validate(row)
    changed = apply_changes(row, changes)
    if changed:
        await session.flush()
        before, after = audit.changes(changed)
        await audit.record(session, actor, "update", ENTITY, account_id, before, after)
    return NotificationPreferencePublic.model_validate(row)
