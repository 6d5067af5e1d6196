#!/bin/sh
# Read every NAME_FILE variable (a mounted secret) into NAME, then run the command.
# ZOOM_CLIENT_SECRET_FILE=/run/secrets/zoom_client_secret sets ZOOM_CLIENT_SECRET from the
# file (its trailing newline dropped); NAME set directly as well is an error.
set -eu
for assignment in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)_FILE=.*/\1/p'); do
    name="$assignment"
    eval "path=\${${name}_FILE}"
    eval "already=\${${name}:-}"
    if [ -n "$already" ]; then
        echo "error: both $name and ${name}_FILE are set; set only one" >&2
        exit 2
    fi
    if [ ! -r "$path" ]; then
        echo "error: ${name}_FILE=$path cannot be read" >&2
        exit 2
    fi
    value="$(cat "$path")"
    export "$name=$value"
    unset "${name}_FILE"
done
exec "$@"
