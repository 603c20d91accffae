# Coachlog: one static binary (CGO_ENABLED=0; SQLite is pure Go).
# Not built in CI: no Docker engine runs there. Build with
#   docker build -t coachlog .
#   docker run -e SLACK_APP_TOKEN -e SLACK_BOT_TOKEN -v coachlog-data:/data coachlog

# Go 1.27, go.mod's toolchain: its encoding/json (on the v2 implementation)
# reads Slack's payloads in half the CPU of 1.26's (README, Performance).
FROM golang:1.27-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/coachlog ./cmd/bot

FROM debian:bookworm-slim
# CA certificates for Slack's HTTPS; zone data for managers' time zones (the
# binary embeds time/tzdata too, so either suffices).
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 coachlog \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data coachlog \
    && mkdir -p /data && chown 10001:10001 /data
COPY --from=build /out/coachlog /usr/local/bin/coachlog
# By number: Kubernetes' runAsNonRoot can check a number, not a name.
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
ENV COACHLOG_DB=/data/coachlog.db
# /healthz and /metrics on every interface of the container, for the
# HEALTHCHECK below and for a probe from outside it. EXPOSE publishes
# nothing: the port is reached from the host only when the operator
# publishes it (docker run -p 127.0.0.1:8080:8080).
ENV COACHLOG_HTTP_ADDR=:8080
EXPOSE 8080
# No curl in the image: coachlog asks its own /healthz (giving up after
# 3 s), exit 1 and a line saying what is wrong when it is red. The start
# period covers a start that migrates a database or waits for Slack
# (/healthz turns red after a minute without Socket Mode). Kubernetes
# ignores it and probes /healthz over HTTP itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["coachlog", "healthcheck"]
ENTRYPOINT ["coachlog"]
CMD ["serve"]
