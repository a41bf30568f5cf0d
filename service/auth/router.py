"""REST handlers for sign-in, the signed-in account, its tokens, and accounts."""

from datetime import datetime

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from service.auth import accounts, cookies, login, policy, proxies, sessions, tokens
from service.auth.oidc import config as sso_config
from service.auth.payloads import (
    AccountCreate,
    AccountPublic,
    AccountUpdate,
    LoginRequest,
    MyAccountUpdate,
    SessionPublic,
    TokenCreate,
    TokenCreated,
    TokenPublic,
)
from service.auth.policy import Permission
from service.deps import (
    ActorDep,
    IfMatchDep,
    InstallationKeyDep,
    PageDep,
    SessionDep,
    credential_cache,
    set_etag,
)
from service.i18n import gettext as _
from service.pagination import Page, page_of
from service.problems import problem

# Reachable without credentials (the /api/v1 router requires them).
public_router = APIRouter(prefix="/auth", tags=["auth"], dependencies=[InstallationKeyDep])
router = APIRouter(tags=["auth"])
# What an account changes on itself, bi_reader included (`api.own_router`).
own_router = APIRouter(tags=["auth"])


@public_router.post("/login", response_model=SessionPublic, summary="Sign in")
async def sign_in(
    request: Request, response: Response, session: SessionDep, data: LoginRequest
) -> SessionPublic | JSONResponse:
    """Check email and password and set the session cookie (repeated failures: 429;
    403 `password_login_disabled` while PASSWORD_LOGIN_ENABLED is false)."""
    sso_config.require_password_login(request.app.state.settings)
    address = proxies.client_address(request)
    account = await login.login(session, data.email, data.password, address=address)
    if account is None:  # answered, not raised: the failed attempt must be committed
        detail = _("Wrong email or password.")
        return problem(401, "invalid_credentials", _("Sign-in failed"), detail, request.url.path)
    settings = request.app.state.settings
    cookie = await sessions.start_session(session, accounts.account_id(account), settings)
    cookies.set_session_cookie(response, request, cookie)
    csrf = sessions.csrf_token(cookie, settings.secret_key)
    return SessionPublic(account=AccountPublic.model_validate(account), csrf_token=csrf)


@public_router.post("/logout", status_code=204, summary="Sign out")
async def sign_out(request: Request, session: SessionDep) -> Response:
    """End this session and clear its cookie."""
    cookie = request.cookies.get(sessions.SESSION_COOKIE)
    if cookie:
        await sessions.end_session(session, cookie)
    response = Response(status_code=204)
    cookies.clear_session_cookie(response)
    return response


@router.delete("/auth/sessions", status_code=204, summary="Sign out everywhere")
async def sign_out_everywhere(session: SessionDep, actor: ActorDep) -> Response:
    """End every session of the signed-in account, on every browser (tokens stay valid)."""
    await sessions.sign_out_everywhere(session, actor)
    response = Response(status_code=204)
    cookies.clear_session_cookie(response)
    return response


@router.get("/auth/me", summary="Get the signed-in account")
async def me(session: SessionDep, actor: ActorDep) -> AccountPublic:
    """The account these credentials belong to."""
    return AccountPublic.model_validate(await accounts.get_own_account(session, actor))


@own_router.patch("/auth/me", summary="Change my language")
async def update_me(
    request: Request, session: SessionDep, actor: ActorDep, data: MyAccountUpdate
) -> AccountPublic:
    """Set the signed-in account's language (`en`, `fr`; null: the browser's), any role."""
    policy.require(actor, Permission.change_own_preferences)
    cache = credential_cache(request)
    account = await accounts.update_own_account(session, actor, data, cache)
    return AccountPublic.model_validate(account)


@router.get("/auth/tokens", summary="List my API tokens")
async def list_my_tokens(session: SessionDep, actor: ActorDep) -> list[TokenPublic]:
    """The signed-in account's tokens (never their secret)."""
    own = await accounts.get_own_account(session, actor)
    rows = await tokens.list_tokens(session, accounts.account_id(own))
    return [TokenPublic.model_validate(row) for row in rows]


@router.post("/auth/tokens", status_code=status.HTTP_201_CREATED, summary="Create an API token")
async def create_my_token(session: SessionDep, actor: ActorDep, data: TokenCreate) -> TokenCreated:
    """Create a token for the signed-in account; the response is the only time it is shown."""
    own = await accounts.get_own_account(session, actor)
    row, plaintext = await tokens.create_token(
        session, actor, accounts.account_id(own), name=data.name, expires_at=data.expires_at
    )
    return TokenCreated(**TokenPublic.model_validate(row).model_dump(), token=plaintext)


@router.delete("/auth/tokens/{token_id}", status_code=204, summary="Revoke an API token")
async def revoke_token(session: SessionDep, actor: ActorDep, token_id: int) -> Response:
    """Revoke a token of the signed-in account (the CDO office may revoke any)."""
    await tokens.revoke_token(session, actor, token_id)
    return Response(status_code=204)


@router.get("/accounts", summary="List accounts")
async def list_accounts(
    session: SessionDep,
    actor: ActorDep,
    page: PageDep,
    updated_since: datetime | None = Query(None),
) -> Page[AccountPublic]:
    """Accounts in id order, keyset-paginated (CDO office)."""
    rows = await accounts.list_accounts(
        session, actor, limit=page.limit, cursor=page.cursor, updated_since=updated_since
    )
    items, next_cursor = page_of(rows, page.limit)
    return Page(items=[AccountPublic.model_validate(r) for r in items], next_cursor=next_cursor)


@router.post("/accounts", status_code=status.HTTP_201_CREATED, summary="Create an account")
async def create_account(
    session: SessionDep, actor: ActorDep, data: AccountCreate
) -> AccountPublic:
    """Create an account (CDO office); service accounts (bi_reader) have no password."""
    return AccountPublic.model_validate(await accounts.create_account(session, actor, data))


@router.get("/accounts/{account_id}", summary="Get an account")
async def get_account(
    session: SessionDep, actor: ActorDep, response: Response, account_id: int
) -> AccountPublic:
    """One account by id (CDO office), with its ETag."""
    account = await accounts.get_account(session, actor, account_id)
    set_etag(response, account.version)
    return AccountPublic.model_validate(account)


@router.patch("/accounts/{account_id}", summary="Update or disable an account")
async def update_account(
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    account_id: int,
    data: AccountUpdate,
    expected_version: IfMatchDep,
) -> AccountPublic:
    """Change an account's role, scope, password, language or disabled flag (CDO office;
    If-Match)."""
    account = await accounts.update_account(
        session, actor, account_id, data, expected_version=expected_version
    )
    set_etag(response, account.version)
    return AccountPublic.model_validate(account)
