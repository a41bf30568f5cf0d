"""docker-compose.yml: replicas behind the proxy, credentials only from the environment,
one migration, the backup and snapshot jobs, and only settings that exist."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.config import Settings

ROOT = Path(__file__).resolve().parents[2]
APP_IMAGE_SERVICES = ("migrate", "app", "backup", "snapshot", "reminders")
PROXY_ADDRESS = "172.30.57.10"


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _services() -> dict[str, Any]:
    return _compose()["services"]


def _script(service: dict[str, Any]) -> str:
    command = service["command"]
    assert command[:2] == ["sh", "-c"]
    return command[2]


def test_app_waits_for_a_healthy_postgres_18_and_the_migration() -> None:
    services = _services()
    assert services["db"]["image"] == "postgres:18"
    assert "healthcheck" in services["db"]
    assert services["app"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


def test_migration_runs_once_in_a_one_shot_service() -> None:
    migrate = _services()["migrate"]
    assert migrate["command"] == ["cdo-portfolio", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_several_app_replicas_restart_and_publish_no_port() -> None:
    app = _services()["app"]
    assert app["deploy"]["replicas"] >= 2
    assert app["restart"] == "unless-stopped"
    assert "ports" not in app  # reached through the proxy only
    assert "container_name" not in app  # would forbid replicas


def test_every_long_running_service_restarts() -> None:
    services = _services()
    restarting = {name for name, s in services.items() if s.get("restart") == "unless-stopped"}
    assert restarting == {"db", "app", "proxy", "backup", "snapshot", "reminders", "prometheus"}


def test_proxy_terminates_tls_in_front_of_the_replicas() -> None:
    services = _services()
    proxy = services["proxy"]
    assert proxy["image"] == "caddy:2"
    assert proxy["ports"] == ["80:80", "443:443", "443:443/udp"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert proxy["environment"]["CADDY_TLS"] == "${ACME_EMAIL:-internal}"
    assert proxy["networks"]["default"]["ipv4_address"] == PROXY_ADDRESS
    subnet = _compose()["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert subnet == "172.30.57.0/24"
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "{$SITE_ADDRESS:localhost} {" in caddyfile
    assert "tls {$CADDY_TLS:internal}" in caddyfile
    assert "dynamic a app 8000" in caddyfile
    assert re.search(r"@metrics path /metrics\s+respond @metrics 404", caddyfile)


def test_app_believes_forwarded_headers_of_the_proxy_only() -> None:
    for name in APP_IMAGE_SERVICES:
        assert _services()[name]["environment"]["TRUSTED_PROXIES"] == PROXY_ADDRESS


@pytest.mark.parametrize("name", APP_IMAGE_SERVICES)
def test_app_image_services_name_only_real_settings(name: str) -> None:
    service = _services()[name]
    assert service["image"] == "cdo-portfolio:local"
    environment = service["environment"]
    known = {field.upper() for field in Settings.model_fields}
    assert set(environment) - known == set()
    assert environment["DATABASE_URL"].startswith("postgresql+psycopg://")


def test_database_data_lives_in_a_named_volume() -> None:
    compose = _compose()
    assert {"pgdata", "backups"} <= set(compose["volumes"])
    assert compose["services"]["db"]["volumes"] == ["pgdata:/var/lib/postgresql"]


def test_image_serves_with_migrations() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["cdo-portfolio", "serve", "--host", "0.0.0.0", "--port", "8000"]' in dockerfile


def test_secret_key_is_passed_through_without_a_fallback() -> None:
    environment = _services()["app"]["environment"]
    assert environment["SECRET_KEY"] == "${SECRET_KEY:-}"
    assert "change-me" not in (ROOT / "docker-compose.yml").read_text()


def test_database_credentials_come_only_from_the_environment() -> None:
    services = _services()
    db = services["db"]["environment"]
    for variable in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"):
        assert db[variable].startswith("${" + variable + ":?"), variable
    url = services["app"]["environment"]["DATABASE_URL"]
    assert re.fullmatch(
        r"postgresql\+psycopg://\$\{POSTGRES_USER:\?[^}]*\}:\$\{POSTGRES_PASSWORD:\?[^}]*\}"
        r"@db:5432/\$\{POSTGRES_DB:\?[^}]*\}",
        url,
    )
    text = (ROOT / "docker-compose.yml").read_text()
    assert not re.search(r"\bcdo:", text)  # the old cdo/cdo account is not written anywhere
    assert 'pg_isready -U "$${POSTGRES_USER}"' in services["db"]["healthcheck"]["test"][1]


def test_backup_job_keeps_dated_dumps_in_a_volume_with_retention() -> None:
    backup = _services()["backup"]
    script = _script(backup)
    assert backup["volumes"] == ["backups:/backups"]
    # As written for compose: `$$` is a `$` the shell sees, `${...}` compose fills in.
    assert 'cdo-portfolio backup "$$file"' in script
    assert "file=/backups/cdo-portfolio-$$(date -u +%Y%m%dT%H%M%SZ).dump" in script
    assert "-mtime +${BACKUP_KEEP_DAYS:-14} -delete" in script
    assert "sleep ${BACKUP_INTERVAL_SECONDS:-86400}" in script
    assert backup["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert backup["init"] is True
    assert backup["healthcheck"] == {"disable": True}


def test_snapshot_job_runs_daily() -> None:
    snapshot = _services()["snapshot"]
    script = _script(snapshot)
    assert "cdo-portfolio snapshot" in script
    assert "sleep 86400" in script
    assert snapshot["healthcheck"] == {"disable": True}


def test_reminders_job_runs_daily() -> None:
    script = _script(_services()["reminders"])
    assert "cdo-portfolio send-reminders" in script
    assert "sleep 86400" in script


def test_optional_settings_pass_through_only_when_set() -> None:
    environment = _services()["app"]["environment"]
    for name in ("OIDC_DISCOVERY_URL", "OIDC_CLIENT_SECRET", "SMTP_HOST", "SMTP_PASSWORD"):
        assert environment[name] is None, name  # unset stays unset, never an empty text


def test_prometheus_scrapes_every_replica_with_the_metrics_token() -> None:
    compose = _compose()
    prometheus = compose["services"]["prometheus"]
    assert prometheus["profiles"] == ["metrics"]
    assert "./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in prometheus["volumes"]
    assert compose["secrets"]["metrics_token"] == {"environment": "METRICS_TOKEN"}
    assert compose["services"]["app"]["environment"]["METRICS_TOKEN"] == "${METRICS_TOKEN:-}"
    config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["authorization"] == {
        "type": "Bearer",
        "credentials_file": "/run/secrets/metrics_token",
    }
    assert job["dns_sd_configs"] == [
        {"names": ["app"], "type": "A", "port": 8000, "refresh_interval": "30s"}
    ]
