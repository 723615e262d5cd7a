# The Telegram bot in one container: `docker build -t tthc-bot .`, then see compose.yaml and
# docs/trien-khai.md. The catalogue and the SQLite database live on the /data volume.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BOT_CATALOGUE=/data/procedures.yaml \
    BOT_DATABASE=/data/bot.sqlite3 \
    BOT_CACHE_DIR=/data/cache
COPY --from=build /install /usr/local
# The shipped catalogue, its JSON Schema and the communes list: copied to /data on the first
# start only, so that the staff's edits on the volume are never overwritten by an image update.
COPY procedures.yaml procedures.schema.json communes.yaml /app/catalogue/
COPY docker/entrypoint.sh /app/entrypoint.sh
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot:bot /data && chmod 0755 /app/entrypoint.sh
USER bot
WORKDIR /data
VOLUME ["/data"]
# Only used in webhook mode (WEBHOOK_URL set); long polling needs no open port.
EXPOSE 8443
# The bot touches /data/heartbeat every 30 s while its event loop runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, sys, time; p = os.path.join(os.path.dirname(os.environ['BOT_DATABASE'].removeprefix('sqlite:///')), 'heartbeat'); sys.exit(0 if time.time() - os.path.getmtime(p) < 90 else 1)"]
# SIGTERM (docker stop): replies in flight are finished, then the database is closed.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/entrypoint.sh"]
CMD ["python", "-m", "bot", "run"]
