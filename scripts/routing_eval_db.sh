#!/bin/sh
# Build a throwaway database with the teams, the catalogue and a freshly trained model, so routing_evaluate
# can be run without touching the development database: scripts/routing_eval_db.sh [/tmp/routing-eval.sqlite3]
set -e
DB="${1:-/tmp/routing-eval.sqlite3}"
export DATABASE_URL="sqlite:///$DB"
export DEBUG="${DEBUG:-1}"  # a throwaway database on this machine
PY="$(dirname "$0")/../.venv/bin/python"
MANAGE="$(dirname "$0")/../manage.py"
rm -f "$DB"
"$PY" "$MANAGE" migrate --verbosity 0
"$PY" "$MANAGE" shell -c "from demo.management.commands.seed_demo import Command; Command()._teams_and_users()"
"$PY" "$MANAGE" import_upl --verbosity 0
"$PY" "$MANAGE" routing_train --force --verbosity 0
echo "DATABASE_URL=$DATABASE_URL"
