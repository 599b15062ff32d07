#!/bin/sh
# Restarts Plenary's web processes one at a time without losing a request (issue 20 §2):
# take one out of nginx (graceful reload: requests in flight finish), stop it (SIGTERM: it finishes its own),
# start it (systemd waits for /readyz), put it back; then the mail workers (SIGTERM: they finish their sends).
# Usage: deploy/rolling-restart.sh 3001 3002    (the ports of the plenary-web@ units)
# tests/integration/cluster.test.ts performs the same steps (app/cli/cluster.server.ts, restartWeb).
set -eu
SITE=${SITE:-/etc/nginx/sites-available/plenary}
for port in "$@"; do
  sed -i "s/^\(\s*server 127\.0\.0\.1:$port [^;]*\);/\1 down;/" "$SITE"
  nginx -t -q && nginx -s reload
  # the old nginx workers finish the requests they hold, some of them on this process; wait until they are gone
  sleep 0.2
  for _ in $(seq 300); do pgrep -f "nginx: worker process is shutting down" >/dev/null || break; sleep 0.1; done
  # SIGTERM: the process drains (serves what still arrives, then stops listening) and finishes its requests
  systemctl restart "plenary-web@$port"
  sed -i "s/^\(\s*server 127\.0\.0\.1:$port [^;]*\) down;/\1;/" "$SITE"
  nginx -t -q && nginx -s reload
done
for unit in $(systemctl list-units --plain --no-legend 'plenary-worker@*' | awk '{print $1}'); do
  systemctl restart "$unit"
done
