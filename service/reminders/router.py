"""REST handlers for the signed-in account's email preferences."""

from fastapi import APIRouter

from service.deps import ActorDep, SessionDep
from service.reminders import preferences
from service.reminders.payloads import NotificationPreferencePublic, NotificationPreferenceUpdate

router = APIRouter(prefix="/me/notifications", tags=["notifications"])


@router.get("", summary="Get my email preferences")
async def get_my_notifications(
    session: SessionDep, actor: ActorDep
) -> NotificationPreferencePublic:
    """Whether this account receives check-in reminders and the weekly digest."""
    return await preferences.get_preferences(session, actor)


@router.patch("", summary="Change my email preferences")
async def update_my_notifications(
    session: SessionDep, actor: ActorDep, data: NotificationPreferenceUpdate
) -> NotificationPreferencePublic:
    """Opt in or out of check-in reminders and/or the weekly digest."""
    return await preferences.update_preferences(session, actor, data)
