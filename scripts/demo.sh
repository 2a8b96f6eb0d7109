#!/usr/bin/env bash
# Command 1: set up and start the product with demo data on SQLite.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
echo "==> 迁移数据库"
.venv/bin/python manage.py migrate --noinput -v 0
echo "==> 载入演示数据"
.venv/bin/python manage.py load_demo
# DEBUG off unless asked for (DEBUG=1 bash scripts/demo.sh): users meet the product's Chinese
# error pages, not Django's debug page; WhiteNoise serves the static files either way.
export DEBUG="${DEBUG:-0}"
echo "==> 启动服务：http://127.0.0.1:8000/admin/ （Ctrl+C 停止；调试模式：DEBUG=1 bash scripts/demo.sh）"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
