"""Multi-company Amazon Selling Partner API settings module."""

import os

# Piccolo looks for its configuration module by name (PICCOLO_CONF, "piccolo_conf" by default, imported from the
# working directory): the package carries its own, so the installed command works from any folder.
os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")
