"""Configuration: one module per option group, assembled in ``opts``."""

from __future__ import annotations

from collections.abc import Sequence

from oslo_config import cfg

from alarmapi.conf import aodh_compat, opts


def new_config() -> cfg.ConfigOpts:
    """A new ConfigOpts with every alarmapi option registered (and the Aodh options
    alarmapi ignores, so that they can be reported)."""
    conf = cfg.ConfigOpts()
    opts.register(conf)
    aodh_compat.register(conf)
    return conf


def parse(conf: cfg.ConfigOpts, argv: list[str], default_files: list[str] | None = None) -> None:
    """Parse the command line (``--config-file`` ...) into ``conf``."""
    conf(argv, project="alarmapi", validate_default_values=True,
         default_config_files=default_files)


def prepare(config_files: list[str] | None = None) -> cfg.ConfigOpts:
    """A parsed ConfigOpts reading exactly ``config_files`` (for apps and tests)."""
    conf = new_config()
    args: list[str] = []
    for path in config_files or []:
        args += ["--config-file", path]
    parse(conf, args, default_files=[])
    return conf


def for_command(argv: list[str] | None, cli_opts: Sequence[cfg.Opt] | None = None
                ) -> cfg.ConfigOpts:
    """The parsed config of a console command (``--config-file`` ... and the command's
    own ``cli_opts``), logging set up."""
    import sys

    from oslo_log import log

    conf = new_config()
    conf.register_cli_opts(list(cli_opts or ()))
    log.register_options(conf)
    parse(conf, sys.argv[1:] if argv is None else argv)
    log.setup(conf, "alarmapi")
    aodh_compat.report_start(conf, log.getLogger("alarmapi.conf"))
    return conf
