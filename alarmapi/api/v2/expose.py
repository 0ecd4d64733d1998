"""``wsexpose``: WSME's pecan decorator, with argument parsing that never 500s.

WSME lets a TypeError or AttributeError raised while it converts a body or query
string (``{"limit": []}``, a list where an object belongs) escape as a 500; here
every failure to parse the request is the client's 400.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import pecan
import wsme
import wsme.api
import wsme.rest.args
import wsmeext.pecan as wsme_pecan  # registers the wsmejson/wsmexml renderers

from alarmapi import errors
from alarmapi.api import faults
from alarmapi.api.v2.mandatory import refuse_null_mandatory
from alarmapi.api.v2.wire import Wire

_PARSE_ERRORS = (TypeError, AttributeError, ValueError, KeyError, IndexError,
                 RecursionError, OverflowError, UnicodeError)


def _arguments(funcdef: Any, args: Any, kwargs: Any) -> tuple[Any, Any]:
    request = pecan.request
    try:
        args, kwargs = wsme.rest.args.get_args(
            funcdef, args, kwargs, request.params, None, request.body, request.content_type
        )
        for value in (*args, *kwargs.values()):
            refuse_null_mandatory(value)
        return args, kwargs
    except (wsme.exc.ClientSideError, errors.ClientError):
        raise
    except _PARSE_ERRORS as exc:
        raise errors.InvalidInput("data", request.body[:200].decode("utf-8", "replace"),
                                  f"{exc.__class__.__name__}: {exc}") from exc


def _fault(exc: BaseException) -> dict[str, Any]:
    fault = faults.fault_of(exc, pecan.request.environ.get("openstack.request_id"))
    pecan.response.status = fault.status
    return fault.body()


def wsexpose(*signature: Any, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Expose a controller method with WSME types (JSON and XML)."""
    sig = wsme.signature(*signature, **options)

    def decorate(f: Callable[..., Any]) -> Any:
        sig(f)
        funcdef = wsme.api.FunctionDefinition.get(f)
        funcdef.resolve_types(wsme.types.registry)

        @functools.wraps(f)
        def callfunction(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                args, kwargs = _arguments(funcdef, args, kwargs)
                result = f(self, *args, **kwargs)
                if isinstance(result, Wire) and \
                        pecan.request.pecan.get("content_type") != "application/json":
                    result = result.build()
            except Exception as exc:  # every error becomes Aodh's fault body
                return _fault(exc)
            pecan.response.status = funcdef.status_code
            if funcdef.return_type is None:
                pecan.request.pecan["content_type"] = None
                pecan.response.content_type = None
                return ""
            return {"datatype": funcdef.return_type, "result": result}

        if "xml" in funcdef.rest_content_types:
            wsme_pecan.pecan_xml_decorate(callfunction)
            wsme_pecan.pecan_text_xml_decorate(callfunction)
        if "json" in funcdef.rest_content_types:
            wsme_pecan.pecan_json_decorate(callfunction)
        pecan.util._cfg(callfunction)["argspec"] = inspect.getfullargspec(f)
        callfunction._wsme_definition = funcdef  # type: ignore[attr-defined]
        return callfunction

    return decorate
