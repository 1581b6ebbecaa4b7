# One image, several entry points (gunicorn, daphne, the task worker): see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings

RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo libwebp7 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 tremplin

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt -e .
COPY . .
RUN pybabel compile --directory locale --domain django \
    && DJANGO_ENV=production ALLOWED_HOSTS=build \
       SECRET_KEY="$(python -c "import secrets; print(secrets.token_urlsafe(64))")" \
       python manage.py collectstatic --no-input \
    && chown -R tremplin /app

USER tremplin
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
