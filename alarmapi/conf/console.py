"""[console] options: the web console the API serves at /console."""

from oslo_config import cfg

GROUP = "console"

OPTS = [
    cfg.BoolOpt("enabled", default=True,
                help="Serve the web console at /console (its pages only read and change "
                     "data through the API, with the signed-in user's credentials)."),
    cfg.IntOpt("refresh_interval", default=30, min=1,
               help="Seconds between two reads of the alarm list while the console shows "
                    "it."),
    cfg.URIOpt("keystone_url",
               help="Keystone's public URL for console sign-in (keystone mode); by "
                    "default [keystone_authtoken] www_authenticate_uri, else "
                    "[service_credentials] auth_url."),
    cfg.StrOpt("assets_dir",
               help="Where the console's npm packages were installed (the directory "
                    "holding node_modules/chart.js); by default the package's own "
                    "alarmapi/console, where tools/install.sh runs npm ci."),
]
