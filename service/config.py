"""Settings, read from the environment (prefix-free names such as DATABASE_URL)."""

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_path
from pydantic import Field
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
    secret_key: str = Field(
        default="change-me-in-production",
        description="Key that signs session cookies and CSRF tokens.",
    )
    max_page_size: int = Field(default=1000, ge=1)
    default_page_size: int = Field(default=50, ge=1)
    import_max_bytes: int = Field(
        default=20_000_000, ge=1, description="Largest file the import accepts (bytes)."
    )


@lru_cache
def get_settings() -> Settings:
    """The process settings, read once."""
    return Settings()
