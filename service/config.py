"""Settings, read from the environment (prefix-free names such as DATABASE_URL)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """The embedded server's data folder: under the user's data folder, or /var/lib as root."""
    import os

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # The embedded server runs as a dedicated system user when started as root,
        # and that user cannot enter root's home folder.
        return Path("/var/lib/cdo-portfolio/pgdata")
    return user_data_path("cdo-portfolio") / "pgdata"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL (15 to 18). Unset: start the embedded server.",
    )
    embedded_data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Data folder of the embedded PostgreSQL server.",
    )
    currency: str = Field(default="EUR", description="The deployment-wide currency of money.")
    db_pool_size: int = Field(default=10, ge=1)
    secret_key: str | None = Field(
        default=None,
        description="Key that signs CSRF tokens (32+ characters). Unset: the installation"
        " generates one and keeps it in the database.",
    )
    session_idle_minutes: int = Field(
        default=120, ge=1, description="A session unused this long ends (minutes)."
    )
    session_max_hours: int = Field(
        default=12, ge=1, description="A session ends this long after sign-in (hours)."
    )
    credential_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        le=60,
        description="How long a process reuses a token or session lookup (seconds; 0: never)."
        " Revocations and role changes still apply at once.",
    )
    trusted_proxies: str = Field(
        default="",
        validation_alias=AliasChoices("trusted_proxies", "forwarded_allow_ips"),
        description="Comma-separated proxy addresses or networks (CIDR) whose"
        " X-Forwarded-For/-Proto are believed; empty: none, '*': any.",
    )
    max_page_size: int = Field(default=1000, ge=1)
    default_page_size: int = Field(default=50, ge=1)
    import_max_bytes: int = Field(
        default=20_000_000, ge=1, description="Largest file the import accepts (bytes)."
    )
    import_max_unpacked_bytes: int = Field(
        default=100_000_000,
        ge=1,
        description="Most bytes an imported zip or XLSX may unpack to, counted while unpacking.",
    )
    import_max_rows: int = Field(
        default=200_000, ge=1, description="Most rows an imported sheet may hold."
    )
    import_max_cells: int = Field(
        default=2_000_000, ge=1, description="Most cells an imported file may hold, all sheets."
    )
    max_body_bytes: int = Field(
        default=1_000_000,
        ge=1,
        description="Largest request body (bytes) outside the import upload.",
    )
    graphql_max_document_bytes: int = Field(
        default=65_536, ge=1, description="Longest GraphQL document accepted (bytes, UTF-8)."
    )
    graphql_max_tokens: int = Field(
        default=5000, ge=1, description="Most tokens a GraphQL document may hold."
    )
    graphql_max_fields: int = Field(
        default=500,
        ge=1,
        description="Most fields a GraphQL document may select, fragments counted where spread.",
    )
    graphql_max_field_repeats: int = Field(
        default=10,
        ge=1,
        description="Most times one field may be selected at the same place of a GraphQL query.",
    )
    log_format: Literal["json", "console"] | None = Field(
        default=None,
        description="Log lines as `json` or `console`. Unset: console on a terminal, else JSON.",
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP collector (e.g. http://collector:4318): with the `otel` extra"
        " installed, send traces of requests and SQL there. Unset: no tracing.",
    )
    otel_service_name: str = Field(
        default="cdo-portfolio", description="The service name traces carry."
    )
    metrics_enabled: bool = Field(
        default=True, description="Count requests and serve GET /metrics (Prometheus)."
    )
    metrics_token: str | None = Field(
        default=None,
        description="Bearer token a Prometheus scraper sends to read /metrics. Unset: only"
        " CDO office accounts read it.",
    )

    # Webhooks (service/webhooks/): the delivery worker.
    webhook_worker: bool = Field(
        default=True,
        description="Run the webhook delivery worker inside the app. False: run"
        " `cdo-portfolio worker` as separate processes.",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest wait for an endpoint's answer (seconds)."
    )
    webhook_retry_hours: float = Field(
        default=24.0, gt=0, description="How long a delivery is retried before it fails (hours)."
    )
    webhook_poll_seconds: float = Field(
        default=1.0, gt=0, description="How often an idle worker looks for due deliveries."
    )
    webhook_batch_size: int = Field(
        default=50, ge=1, description="Most deliveries one worker sends at once."
    )
    webhook_log_retention_days: int = Field(
        default=30,
        ge=1,
        le=36_500,
        description="Days a delivered or failed webhook event is kept (purged by `snapshot`).",
    )
    deletions_retention_days: int = Field(
        default=400,
        ge=1,
        le=36_500,
        description="Days a deletion tombstone is kept for BI pulls (purged by `snapshot`).",
    )

    # Check-in reminders and the weekly digest (service/reminders/, `send-reminders`).
    smtp_host: str | None = Field(
        default=None, description="SMTP server that sends the mail. Unset: no mail is sent."
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP server port.")
    smtp_username: str | None = Field(default=None, description="SMTP login (unset: none).")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_tls: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description="`starttls` (port 587), `tls` (implicit TLS, port 465) or `none`.",
    )
    mail_from: str | None = Field(
        default=None,
        description="Sender address of reminders and digests, e.g."
        " 'CDO portfolio <portfolio@example.com>'.",
    )
    public_base_url: str | None = Field(
        default=None,
        description="The address people open the service at (e.g. https://portfolio.example.com),"
        " for the links in mail.",
    )
    reminder_lead_days: int = Field(
        default=5,
        ge=0,
        description="Remind an owner this many days before a check-in goes stale.",
    )
    digest_weekday: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = Field(default="monday", description="The day `send-reminders` also sends the digest.")
    digest_webhook_url: str | None = Field(
        default=None,
        description="Slack or Teams incoming webhook that also receives the digest as"
        ' {"text": ...}.',
    )

    # Single sign-on (service/auth/oidc/); off while OIDC_DISCOVERY_URL is unset.
    oidc_discovery_url: str | None = Field(
        default=None,
        description="The identity provider's discovery document (https://.../.well-known/"
        "openid-configuration). Unset: no single sign-on.",
    )
    oidc_client_id: str | None = Field(default=None, description="The client id registered.")
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="The client secret registered (unset: a public client)."
    )
    oidc_scopes: str = Field(
        default="openid email profile", description="Scopes asked for, space-separated."
    )
    oidc_provider_name: str = Field(
        default="single sign-on", description="Shown on the button: 'Sign in with <name>'."
    )
    oidc_redirect_url: str | None = Field(
        default=None,
        description="The callback address registered at the provider. Unset: this server's"
        " own address + /auth/oidc/callback.",
    )
    oidc_role_claim: str = Field(
        default="groups", description="The ID token claim (a list or a text) mapped to roles."
    )
    oidc_role_map: str = Field(
        default="{}",
        description='JSON object from claim value to role, e.g. {"cdo-office": "cdo_office",'
        ' "hr-heads": "department_head:hr"} (department by code); the first entry the'
        " person holds wins.",
    )
    oidc_default_role: str = Field(
        default="",
        description="Role of a person holding no mapped value (e.g. viewer). Empty: refuse.",
    )
    password_login_enabled: bool = Field(
        default=True,
        description="Sign-in with a local password (false: single sign-on only; API tokens"
        " still work).",
    )


@lru_cache
def get_settings() -> Settings:
    """The process settings, read once."""
    return Settings()
