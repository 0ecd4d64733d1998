"""The ``alarmapi`` command line tool: global options and environment as the seed's
client lists them, subcommands from commands.py and alarm_commands.py."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from alarmapi.client import __version__, exc
from alarmapi.client import alarm_commands as _alarm_commands  # noqa: F401 - registers
from alarmapi.client import backtest_commands as _backtest_commands  # noqa: F401 - registers
from alarmapi.client import silence_commands as _silence_commands  # noqa: F401 - registers
from alarmapi.client.client import Client, V2Client
from alarmapi.client.commands import COMMANDS, arguments

DEFAULT_ROLES = "reader,member"


def _env(*names: str, default: Any = None) -> Any:
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    return default


def base_parser() -> argparse.ArgumentParser:
    """The global options."""
    parser = argparse.ArgumentParser(
        prog="alarmapi", add_help=False,
        description="Command-line interface to alarmapi's API.",
        epilog='See "alarmapi help COMMAND" for help on a specific command.')
    add = parser.add_argument
    add("-h", "--help", action="store_true", help=argparse.SUPPRESS)
    add("-j", "--json", action="store_true", help="output raw json response")
    add("--version", action="version", version=__version__, help="Shows the version.")
    add("-d", "--debug", action="store_true", help="Print the HTTP requests and answers.")
    add("-v", "--verbose", action="store_true", help="Print more verbose output.")
    add("-k", "--insecure", action="store_true",
        help="Do not verify the server's TLS certificate.")
    add("--cert-file", help="Client certificate (optionally with its key prepended).")
    add("--key-file", help="Client key, when not in the certificate file.")
    add("--ca-file", default=_env("OS_CACERT"), help="CA bundle to verify the server.")
    add("--timeout", type=float, default=600.0, help="Seconds to wait for a response.")
    for option, names in (("username", ("OS_USERNAME",)), ("password", ("OS_PASSWORD",)),
                          ("user-id", ("OS_USER_ID",)),
                          ("tenant-id", ("OS_TENANT_ID", "OS_PROJECT_ID")),
                          ("tenant-name", ("OS_TENANT_NAME", "OS_PROJECT_NAME")),
                          ("auth-url", ("OS_AUTH_URL",)), ("region-name", ("OS_REGION_NAME",)),
                          ("auth-token", ("OS_AUTH_TOKEN", "OS_TOKEN")),
                          ("user-domain-name", ("OS_USER_DOMAIN_NAME",)),
                          ("project-domain-name", ("OS_PROJECT_DOMAIN_NAME",)),
                          ("endpoint-type", ("OS_ENDPOINT_TYPE", "OS_INTERFACE")),
                          ("roles", ("OS_ROLES",))):
        add(f"--os-{option}", default=_env(*names),
            help=f"Defaults to env[{names[0]}].")
    add("--os-no-client-auth", action="store_true", default=bool(_env("OS_NO_CLIENT_AUTH")),
        help="Do not contact keystone: a noauth server; send the identity headers "
             "(project from --os-tenant-id, else --os-auth-token).")
    add("--alarmapi-url", "--monasca-api-url", dest="alarmapi_url",
        default=_env("ALARMAPI_URL", "MONASCA_API_URL"), help="Defaults to env[ALARMAPI_URL].")
    add("--alarmapi-api-version", default=_env("ALARMAPI_API_VERSION", default="2"),
        help="Defaults to env[ALARMAPI_API_VERSION] or 2.")
    return parser


def full_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The global options and one subparser per command."""
    parser = base_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="<subcommand>")
    parsers = {}
    for name, function in sorted(COMMANDS.items()):
        text = (function.__doc__ or "").strip()
        sub = subparsers.add_parser(name, help=text.splitlines()[0] if text else "",
                                    description=text, add_help=True)
        for names, kwargs in arguments(function):
            sub.add_argument(*names, **kwargs)
        # -j after the subcommand too; absent there, the global one stands.
        sub.add_argument("-j", "--json", action="store_true", default=argparse.SUPPRESS,
                         help="output raw json response")
        parsers[name] = sub
    help_parser = subparsers.add_parser("help", help="Display help about this program or "
                                        "one of its subcommands.")
    help_parser.add_argument("name", nargs="?", metavar="<subcommand>")
    subparsers.add_parser("bash-completion", help="Print the subcommands and options, "
                          "for bash completion.")
    return parser, parsers


def build_client(args: argparse.Namespace) -> V2Client:
    """A client from the global options: noauth headers, a token, or keystone."""
    common: dict[str, Any] = {"insecure": args.insecure, "cacert": args.ca_file,
                              "cert": args.cert_file, "key": args.key_file,
                              "timeout": args.timeout, "region_name": args.os_region_name,
                              "interface": args.os_endpoint_type or "public"}
    if args.os_no_client_auth:
        if not args.alarmapi_url:
            raise exc.CommandError("--alarmapi-url (or ALARMAPI_URL) is required with "
                                   "--os-no-client-auth")
        project = args.os_tenant_id or args.os_auth_token
        if not project:
            raise exc.CommandError("--os-tenant-id or --os-auth-token names the project")
        roles = [r.strip() for r in (args.os_roles or DEFAULT_ROLES).split(",") if r.strip()]
        return Client(args.alarmapi_api_version, args.alarmapi_url,
                      token=args.os_auth_token, user_id=args.os_user_id, project_id=project,
                      roles=roles, **common)
    if args.os_auth_token and args.alarmapi_url:
        return Client(args.alarmapi_api_version, args.alarmapi_url, token=args.os_auth_token,
                      **common)
    return Client(args.alarmapi_api_version, args.alarmapi_url,
                  session=_keystone_session(args), **common)


def _keystone_session(args: argparse.Namespace) -> Any:
    from keystoneauth1 import session
    from keystoneauth1.identity import v3

    if not args.os_auth_url:
        raise exc.CommandError("--os-auth-url (or OS_AUTH_URL) is required without "
                               "--os-no-client-auth")
    auth: Any
    if args.os_auth_token:
        auth = v3.Token(args.os_auth_url, args.os_auth_token, project_id=args.os_tenant_id,
                        project_name=args.os_tenant_name,
                        project_domain_name=args.os_project_domain_name or "Default")
    else:
        if not (args.os_username or args.os_user_id) or not args.os_password:
            raise exc.CommandError("--os-username and --os-password are required")
        auth = v3.Password(args.os_auth_url, username=args.os_username,
                           user_id=args.os_user_id, password=args.os_password,
                           project_id=args.os_tenant_id, project_name=args.os_tenant_name,
                           user_domain_name=args.os_user_domain_name or "Default",
                           project_domain_name=args.os_project_domain_name or "Default")
    verify: bool | str = False if args.insecure else (args.ca_file or True)
    return session.Session(auth=auth, verify=verify)


def completion_words(parser: argparse.ArgumentParser,
                     parsers: dict[str, argparse.ArgumentParser]) -> list[str]:
    """Every subcommand and option, for the completion script."""
    words = set(parsers) | {"help", "bash-completion"}
    for each in (parser, *parsers.values()):
        for action in each._actions:
            words.update(o for o in action.option_strings if o.startswith("--"))
    return sorted(words)


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 on success, 1 (message on stderr) on failure."""
    argv = sys.argv[1:] if argv is None else argv
    parser, parsers = full_parser()
    args = parser.parse_args(argv)
    if args.debug:
        logging.basicConfig(level=logging.DEBUG)
    if args.command == "bash-completion":
        print(" ".join(completion_words(parser, parsers)))
        return 0
    if args.command is None or args.help or args.command == "help":
        name = getattr(args, "name", None)
        if name and name not in parsers:
            print(f"'{name}' is not a valid subcommand", file=sys.stderr)
            return 1
        (parsers[name] if name else parser).print_help()
        return 0
    function = COMMANDS[args.command]
    try:
        function(build_client(args), args)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped (| head): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except exc.HTTPException as error:
        print(f"HTTPException code={error.code} message={error.message}", file=sys.stderr)
        return 1
    except exc.ClientException as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
