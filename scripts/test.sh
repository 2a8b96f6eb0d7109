#!/usr/bin/env bash
# Command 2: run the whole test suite (DATABASE_URL chooses the database; SQLite by default).
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
exec .venv/bin/python -m pytest "$@"
