"""Console sign-in in keystone mode: a project-scoped token from Keystone for a user's
password, or the scope of a token the user already has. The console keeps the token in
the browser's session storage and sends it to the API as X-Auth-Token."""

from __future__ import annotations

from typing import Any

import requests

from alarmapi import errors

TIMEOUT_S = 10.0


class SignInFailed(errors.AlarmAPIError):
    """Keystone refused the credentials (401) or could not be asked (503)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _base(keystone_url: str) -> str:
    base = keystone_url.rstrip("/")
    return base[:-3].rstrip("/") if base.endswith("/v3") else base


def _scope(token: str, body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("token") or {}
    project = data.get("project")
    if not project:
        raise SignInFailed(401, "The token is not scoped to a project: sign in to one")
    return {"token": token, "expires_at": data.get("expires_at"),
            "project_id": project.get("id"), "project_name": project.get("name"),
            "user": (data.get("user") or {}).get("name"),
            "roles": [role.get("name") for role in data.get("roles") or []]}


def _call(method: str, url: str, **kwargs: Any) -> requests.Response:
    try:
        return requests.request(method, url, timeout=TIMEOUT_S, **kwargs)
    except requests.RequestException as error:
        raise SignInFailed(503, f"The identity service cannot be reached: "
                                f"{type(error).__name__}") from error


def _checked(response: requests.Response, refused: str) -> dict[str, Any]:
    if response.status_code in (401, 403, 404):
        raise SignInFailed(401, refused)
    if response.status_code >= 300:
        raise SignInFailed(503, f"The identity service answered {response.status_code}")
    body: dict[str, Any] = response.json()
    return body


def with_password(keystone_url: str, username: str, password: str, project: str,
                  domain: str = "Default") -> dict[str, Any]:
    """A token for ``username`` scoped to ``project`` (both in ``domain``, by name)."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": username, "password": password, "domain": {"name": domain}}}},
        "scope": {"project": {"name": project, "domain": {"name": domain}}}}}
    response = _call("POST", f"{_base(keystone_url)}/v3/auth/tokens", json=body)
    checked = _checked(response, "The user name, password or project is not right")
    return _scope(response.headers.get("X-Subject-Token", ""), checked)


def with_token(keystone_url: str, token: str) -> dict[str, Any]:
    """The scope of a token the user brings (validated by Keystone with itself)."""
    response = _call("GET", f"{_base(keystone_url)}/v3/auth/tokens",
                     headers={"X-Auth-Token": token, "X-Subject-Token": token})
    return _scope(token, _checked(response, "The token is not valid"))
