# The image: Python 3.11 (the version CI tests), every dependency pinned with its hashes in
# requirements.lock, then the project itself without dependencies (a wheel, not editable).
#   docker build -t cdo-portfolio .        (docker-compose.yml builds it for you)
# requirements.lock includes the `otel` extra: OTEL_EXPORTER_OTLP_ENDPOINT turns traces on.

FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY schema ./schema
COPY service ./service
COPY migrations ./migrations
COPY frontend_templates ./frontend_templates
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LOG_FORMAT=json
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-deps --require-hashes -r requirements.lock
COPY --from=wheel /wheels /wheels
RUN pip install --no-deps /wheels/*.whl && rm -rf /wheels
# /backups belongs to the app user, so a fresh named volume mounted there is writable by it.
RUN useradd --create-home --uid 10001 app && mkdir /backups && chown app /backups
USER app
# One server process per container: scale with replicas, and Prometheus scrapes each replica
# (deploy/prometheus.yml), so PROMETHEUS_MULTIPROC_DIR stays unset. Running several server
# processes in one container instead? Set it to an empty folder that is wiped at each start.
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=5 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"]
CMD ["cdo-portfolio", "serve", "--host", "0.0.0.0", "--port", "8000"]
