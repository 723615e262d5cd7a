#!/bin/sh
# Put the shipped catalogue on the volume the first time, then run the command (exec, so that
# the bot receives SIGTERM itself and shuts down gracefully).
set -eu
if [ ! -f "$BOT_CATALOGUE" ]; then
    cp /app/catalogue/procedures.yaml "$BOT_CATALOGUE"
    echo "Đã chép danh mục mẫu vào $BOT_CATALOGUE (sửa tệp này, bot tự nạp lại)."
fi
schema="$(dirname "$BOT_CATALOGUE")/procedures.schema.json"
[ -f "$schema" ] || cp /app/catalogue/procedures.schema.json "$schema"
# The communes list (BOT_COMMUNES, by default communes.yaml next to the catalogue).
communes="${BOT_COMMUNES:-$(dirname "$BOT_CATALOGUE")/communes.yaml}"
if [ ! -f "$communes" ]; then
    cp /app/catalogue/communes.yaml "$communes"
    echo "Đã chép danh sách xã, phường vào $communes."
fi
exec "$@"
