"""The /console WSGI app: the page, its own scripts and styles, the charting library
npm installed, and (keystone mode) sign-in. Every answer carries a strict
Content-Security-Policy: only this origin's scripts run, and data is only fetched from
this origin's API."""

from __future__ import annotations

import json
import logging
import pathlib
from collections.abc import Callable
from typing import Any

import webob
import webob.exc
from oslo_config import cfg

from alarmapi.api import faults
from alarmapi.console import signin

LOG = logging.getLogger(__name__)
HERE = pathlib.Path(__file__).parent
STATIC = HERE / "static"
#: The charting library, as npm installs it (tools/install.sh runs npm ci here).
CHART_JS = pathlib.Path("node_modules/chart.js/dist/chart.umd.min.js")
_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
          ".ico": "image/x-icon"}
#: The console's icon, also served at /favicon.ico.
FAVICON = STATIC / "favicon.ico"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
WSGIApp = Callable[[dict[str, Any], Any], Any]


def _keystone_url(conf: cfg.ConfigOpts) -> str | None:
    if conf.console.keystone_url:
        return str(conf.console.keystone_url)
    try:  # registered by keystonemiddleware when the pipeline was built
        uri = conf.keystone_authtoken.www_authenticate_uri
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
        uri = None
    return str(uri or conf.service_credentials.auth_url or "") or None


class Console:
    """Serves the console's files and sign-in."""

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf
        self.auth_mode = conf.api.auth_mode
        assets = pathlib.Path(conf.console.assets_dir) if conf.console.assets_dir else HERE
        self.chart_js = assets / CHART_JS
        if not self.chart_js.is_file():
            LOG.warning("the console's charting library is missing (%s): run npm ci in %s; "
                        "the console shows its pages without plots", self.chart_js, assets)
        self.files = {f"/static/{p.name}": p for p in STATIC.iterdir() if p.suffix in _TYPES}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = webob.Request(environ)
        response = self._answer(request)
        response.headers.update(SECURITY_HEADERS)
        return response(environ, start_response)

    def _answer(self, request: webob.Request) -> webob.Response:
        path = request.path_info
        if path == "":
            return webob.exc.HTTPFound(location=request.script_name + "/")
        if path == "/signin":
            if request.method != "POST":
                return webob.exc.HTTPMethodNotAllowed(allow="POST")
            return self._signin(request)
        if request.method not in ("GET", "HEAD"):
            return webob.exc.HTTPMethodNotAllowed(allow="GET, HEAD")
        if path == "/":
            return self._page(request)
        if path == "/vendor/chart.js":
            if not self.chart_js.is_file():
                return webob.exc.HTTPNotFound("the charting library is not installed")
            return self._file(self.chart_js, "text/javascript")
        found = self.files.get(path)
        if found is None:
            return webob.exc.HTTPNotFound()
        return self._file(found, _TYPES[found.suffix])

    @staticmethod
    def _file(path: pathlib.Path, content_type: str) -> webob.Response:
        response = webob.Response(body=path.read_bytes(), content_type=content_type,
                                  charset="UTF-8")
        response.cache_control = "no-cache"
        return response

    def _page(self, request: webob.Request) -> webob.Response:
        """index.html with the console's settings as inert JSON (never run as script)."""
        api_base = request.script_name[: -len("/console")] if request.script_name.endswith(
            "/console") else ""
        settings = {"auth_mode": self.auth_mode, "api_base": api_base,
                    "evaluation_interval": self.conf.evaluator.evaluation_interval,
                    "refresh_interval": self.conf.console.refresh_interval}
        text = (STATIC / "index.html").read_text(encoding="utf-8").replace(
            "{{settings}}", _inert_json(settings))
        response = webob.Response(text=text, content_type="text/html", charset="UTF-8")
        response.cache_control = "no-store"
        return response

    def _signin(self, request: webob.Request) -> webob.Response:
        try:
            given = json.loads(request.body or b"{}")
            if not isinstance(given, dict):
                raise ValueError("not an object")
        except ValueError:
            return _fault(400, "The sign-in body must be a JSON object")
        if self.auth_mode != "keystone":
            return _fault(400, "Sign-in is for keystone mode; this API runs in "
                               f"{self.auth_mode} mode")
        url = _keystone_url(self.conf)
        if not url:
            return _fault(503, "No Keystone URL is configured: set [console] keystone_url")
        try:
            if given.get("token"):
                scope = signin.with_token(url, str(given["token"]))
            else:
                missing = [k for k in ("username", "password", "project") if not given.get(k)]
                if missing:
                    return _fault(400, f"Sign-in needs {', '.join(missing)}")
                scope = signin.with_password(url, str(given["username"]),
                                             str(given["password"]), str(given["project"]),
                                             str(given.get("domain") or "Default"))
        except signin.SignInFailed as error:  # status and body from the one fault table
            fault = faults.fault_of(error)
            return _fault(fault.status, fault.message)
        response = webob.Response(json=scope)
        response.cache_control = "no-store"
        return response


def _inert_json(value: Any) -> str:
    """JSON safe inside a <script> element: script text is never entity-decoded, so
    markup characters are escaped the JSON way (a value cannot close the element)."""
    return (json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def _fault(status: int, message: str) -> webob.Response:
    return faults.Fault(status, message).response()


def factory(conf: cfg.ConfigOpts) -> WSGIApp:
    """The console app, or a 404 for every path when [console] enabled is false."""
    if not conf.console.enabled:
        return webob.exc.HTTPNotFound("the console is disabled")
    return Console(conf)
