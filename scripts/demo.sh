#!/usr/bin/env bash
# Command 1: set up and start the product with demo data on SQLite.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
echo "==> 迁移数据库"
.venv/bin/python manage.py migrate --noinput -v 0
echo "==> 载入演示数据"
.venv/bin/python manage.py load_demo
echo "==> 启动服务：http://127.0.0.1:8000/admin/ （Ctrl+C 停止）"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
