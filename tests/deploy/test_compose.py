"""docker-compose.yml parses and configures the app only with settings that exist."""

from pathlib import Path

import yaml

from service.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_app_waits_for_a_healthy_postgres_18() -> None:
    services = _compose()["services"]
    assert services["db"]["image"] == "postgres:18"
    assert "healthcheck" in services["db"]
    assert services["app"]["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_app_environment_names_only_real_settings() -> None:
    environment = _compose()["services"]["app"]["environment"]
    known = {name.upper() for name in Settings.model_fields}
    assert set(environment) - known == set()
    assert environment["DATABASE_URL"].startswith("postgresql+psycopg://")


def test_database_data_lives_in_a_named_volume() -> None:
    compose = _compose()
    assert "pgdata" in compose["volumes"]
    assert compose["services"]["db"]["volumes"] == ["pgdata:/var/lib/postgresql"]


def test_image_serves_with_migrations() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["cdo-portfolio", "serve", "--host", "0.0.0.0", "--port", "8000"]' in dockerfile


def test_secret_key_is_passed_through_without_a_fallback() -> None:
    environment = _compose()["services"]["app"]["environment"]
    assert environment["SECRET_KEY"] == "${SECRET_KEY:-}"
    assert "change-me" not in (ROOT / "docker-compose.yml").read_text()
    assert environment["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-}"


def test_database_password_has_no_default() -> None:
    services = _compose()["services"]
    password = services["db"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?")
    assert "${POSTGRES_PASSWORD:?" in services["app"]["environment"]["DATABASE_URL"]
