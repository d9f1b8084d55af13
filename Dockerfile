# syntax=docker/dockerfile:1
# The production image: locked dependencies, non-root, migrations as a prestart step, then
# several uvicorn workers. All configuration comes from the environment (see README).
#   docker build -t backpain-api .
#   docker run -e DATABASE_URL=postgresql://... -e SECRET_KEY=... -p 8000:8000 backpain-api

ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
COPY requirements.lock requirements-dev.lock /tmp/
# The runtime dependencies, then the build backend (setuptools, at the version and with
# the hashes the dev lock pins): everything installed is checked against a hash.
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements.lock \
    && awk '/^setuptools==/ {p = 1; print; next} p && /^ +--hash/ {print; next} {p = 0}' \
       /tmp/requirements-dev.lock > /tmp/build.lock \
    && test -s /tmp/build.lock \
    && /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/build.lock
WORKDIR /srv/backpain
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
# Installed in place so that `backpain` finds the top-level migrations/ beside app/; with
# the backend above and no index, so that nothing unhashed can be fetched for the build.
RUN /opt/venv/bin/pip install --no-deps --no-build-isolation --no-index --editable . \
    && /opt/venv/bin/python -m compileall -q app migrations

FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 backpain \
    && useradd --system --uid 10001 --gid backpain --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin backpain
COPY --from=build /opt/venv /opt/venv
COPY --from=build /srv/backpain /srv/backpain
WORKDIR /srv/backpain
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKERS=4
USER 10001:10001
EXPOSE 8000
# Slim images have no curl; Python is always there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
# Prestart: migrate and seed once, in this process, before any worker starts.
CMD ["sh", "-c", "backpain migrate && backpain seed && exec backpain serve"]
