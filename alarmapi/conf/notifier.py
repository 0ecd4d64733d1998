"""[notifier] options: how alarm actions are delivered."""

from oslo_config import cfg

GROUP = "notifier"

#: Link-local (with the usual cloud metadata address), "this host" and the metadata
#: addresses some clouds put outside link-local.
DEFAULT_DENIED = ["169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "100.100.100.200/32",
                  "fd00:ec2::254/128"]

OPTS = [
    cfg.IntOpt("workers", default=1, min=1, max=64,
               help="Notifier processes alarmapi-notifier runs and supervises (each "
               "restarted when it dies), sharing the outbox (as Aodh's workers)."),
    cfg.IntOpt("threads", default=32, min=1, max=512,
               help="Deliveries one notifier process makes at the same time."),
    cfg.IntOpt("batch_size", default=200, min=1, max=5000,
               help="Deliveries claimed from the database at once."),
    cfg.FloatOpt("poll_interval", default=0.25, min=0.01, max=60,
                 help="Seconds between two looks for due deliveries when idle."),
    cfg.IntOpt("lease", default=60, min=1, max=3600,
               help="Seconds a claimed delivery belongs to its notifier. When that "
               "notifier dies, another one takes the delivery over after this time; it "
               "must exceed the longest delivery (see rest_notifier_timeout)."),
    cfg.IntOpt("max_attempts", default=10, min=1, max=1000,
               help="Attempts at one delivery before it is given up."),
    cfg.FloatOpt("initial_backoff", default=1.0, min=0.0, max=3600,
                 help="Seconds before the second attempt; each further wait doubles."),
    cfg.FloatOpt("max_backoff", default=600.0, min=0.0, max=86400,
                 help="Longest wait between two attempts, in seconds."),
    cfg.ListOpt("denied_networks", default=DEFAULT_DENIED,
                help="CIDR networks that alarm actions and webhooks may not address: "
                "refused when created and again when delivered (after name "
                "resolution). Add 127.0.0.0/8 and ::1/128 to also forbid loopback."),
    cfg.FloatOpt("rest_notifier_timeout", default=10.0, min=0.1, max=600,
                 help="Seconds before an HTTP(S) delivery attempt fails."),
    cfg.StrOpt("rest_notifier_certificate_file", default="", deprecated_group="DEFAULT",
               help="Client certificate (PEM) presented to HTTPS receivers."),
    cfg.StrOpt("rest_notifier_certificate_key", default="", deprecated_group="DEFAULT",
               help="Private key of the client certificate."),
    cfg.StrOpt("rest_notifier_ca_bundle_certificate_path", deprecated_group="DEFAULT",
               help="CA bundle that HTTPS receivers' certificates are checked against "
               "(default: the system's)."),
    cfg.BoolOpt("rest_notifier_ssl_verify", default=True, deprecated_group="DEFAULT",
                help="Whether HTTPS receivers' certificates are verified; an action can "
                "override it with ?aodh-alarm-ssl-verify=0|1 as with Aodh."),
    cfg.StrOpt("smtp_host", default="localhost", help="SMTP server for mailto: actions."),
    cfg.PortOpt("smtp_port", default=25, help="Port of the SMTP server."),
    cfg.StrOpt("smtp_from", default="alarmapi@localhost",
               help="Sender address of alarm emails."),
    cfg.StrOpt("smtp_security", default="none",
               choices=[("none", "plain SMTP"), ("starttls", "STARTTLS after connecting"),
                        ("tls", "TLS from the start (SMTPS)")],
               help="How the SMTP connection is protected."),
    cfg.StrOpt("smtp_user", help="User to log in to the SMTP server as (none: no login)."),
    cfg.StrOpt("smtp_password", secret=True, help="Password of smtp_user."),
    cfg.FloatOpt("smtp_timeout", default=10.0, min=0.1, max=600,
                 help="Seconds before an SMTP attempt fails."),
    cfg.URIOpt("pagerduty_url", schemes=["http", "https"],
               default="https://events.pagerduty.com/v2/enqueue",
               help="PagerDuty Events API v2 endpoint PAGERDUTY notification methods "
               "send to."),
    cfg.IntOpt("alertmanager_resend_interval", default=60, min=5, max=3600,
               help="Seconds between the re-sends of a firing alert to Alertmanager while "
               "its alarm stays in alarm; each alert is valid for four intervals, so it "
               "resolves by itself if alarmapi stops sending."),
    cfg.StrOpt("alertmanager_generator_url", default="",
               help="The generatorURL of alerts sent to Alertmanager, with {alarm_id} "
               "replaced by the alarm's id (for example the console's page of the "
               "alarm); empty leaves it out."),
    cfg.IntOpt("delivery_time_to_live", default=30 * 86400, min=-1,
               help="Seconds notifications and the outcome of their deliveries are kept "
               "once every delivery is done (alarmapi-expirer removes them); -1 keeps "
               "them for ever."),
    cfg.ListOpt("valid_notification_periods", item_type=cfg.types.Integer(min=0),
                default=[0, 60],
                help="Periods (seconds) a WEBHOOK notification method may re-send at "
                "while its alarm stays in alarm; 0 sends once."),
]
