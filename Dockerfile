FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schema ./schema
COPY service ./service
COPY migrations ./migrations
COPY frontend_templates ./frontend_templates
RUN pip install --no-cache-dir -e .
RUN useradd --create-home app
USER app
EXPOSE 8000
CMD ["cdo-portfolio", "serve", "--host", "0.0.0.0", "--port", "8000"]
