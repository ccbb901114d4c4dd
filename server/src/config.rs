//! Configuration: every setting comes from a `GRIDLINE_*` environment variable (or the
//! matching flag), with defaults that run on a laptop.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Args;
use ipnet::IpNet;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "GRIDLINE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Folder for the SQLite database and stored media.
    #[arg(long, env = "GRIDLINE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// `sqlite://PATH` or `postgres://USER:PASSWORD@HOST/DB`; default: SQLite in the data dir.
    /// Never logged (it may hold a password).
    #[arg(long, env = "GRIDLINE_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder holding the built app (Trunk's output).
    #[arg(long, env = "GRIDLINE_DIST_DIR", default_value = "./dist")]
    pub dist_dir: PathBuf,

    /// Where photos and voice notes are kept: `file://PATH`, or `s3://BUCKET/PREFIX` with
    /// the AWS variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
    /// `AWS_ENDPOINT_URL`); default: the `media` folder in the data dir. Never logged.
    #[arg(long, env = "GRIDLINE_MEDIA_URL", hide_env_values = true)]
    pub media_url: Option<String>,

    /// The S3 settings (`AWS_*`) for the media store; empty: the process's environment.
    /// (Tests set their own; never logged.)
    #[arg(skip)]
    pub media_settings: Vec<(String, String)>,

    /// Largest JSON body accepted, in bytes (larger gets 413).
    #[arg(long, env = "GRIDLINE_JSON_LIMIT", default_value_t = 64 * 1024)]
    pub json_limit: usize,

    /// Mark the session cookie `Secure` (send it over HTTPS only). Default: on, unless
    /// the server listens on a loopback address (a laptop or a test).
    #[arg(long, env = "GRIDLINE_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,

    /// How long a staff session lasts without use, in hours.
    #[arg(long, env = "GRIDLINE_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: u32,

    /// How long a staff session lasts at most from its sign-in, however often it is
    /// used, in hours (then signing in again).
    #[arg(long, env = "GRIDLINE_SESSION_MAX_HOURS", default_value_t = 72)]
    pub session_max_hours: u32,

    /// How often the deadline job looks for warnings and overdue tickets, in seconds.
    #[arg(long, env = "GRIDLINE_DEADLINE_CHECK_SECS", default_value_t = 30)]
    pub deadline_check_secs: u64,

    /// Largest photo accepted, in bytes (larger gets 413). The app sends about 300 KB.
    #[arg(long, env = "GRIDLINE_MAX_IMAGE_BYTES", default_value_t = 5 * 1024 * 1024)]
    pub max_image_bytes: usize,

    /// Largest voice note accepted, in bytes (larger gets 413).
    #[arg(long, env = "GRIDLINE_MAX_AUDIO_BYTES", default_value_t = 5 * 1024 * 1024)]
    pub max_audio_bytes: usize,

    /// Largest video clip accepted, in bytes (larger gets 413). The apps record 30 s at
    /// a low bitrate, about 2 MB.
    #[arg(long, env = "GRIDLINE_MAX_VIDEO_BYTES", default_value_t = gridline_core::api::media::DEFAULT_MAX_VIDEO_BYTES)]
    pub max_video_bytes: usize,

    /// Uploads of photos and voice notes one address may make per hour without a staff
    /// session (a complaint carries at most 10).
    #[arg(long, env = "GRIDLINE_UPLOADS_PER_HOUR", default_value_t = 200)]
    pub uploads_per_hour: usize,

    /// Bytes of photos and voice notes one address may upload per hour without a staff
    /// session or a station tablet (besides the count above).
    #[arg(long, env = "GRIDLINE_UPLOAD_BYTES_PER_HOUR", default_value_t = 100 * 1024 * 1024)]
    pub upload_bytes_per_hour: usize,

    /// Complaints one address may file per hour without a staff session (a resent
    /// filing counts too; stations and staff are not counted).
    #[arg(long, env = "GRIDLINE_FILINGS_PER_HOUR", default_value_t = 30)]
    pub filings_per_hour: usize,

    /// Matter-type and answer suggestions one address (or staff member) may ask for
    /// per minute, counted in each process: the limit guards the process's CPU.
    #[arg(long, env = "GRIDLINE_SUGGESTIONS_PER_MINUTE", default_value_t = 240)]
    pub suggestions_per_minute: usize,

    /// Hours an uploaded photo or voice note that no ticket or field record names is
    /// kept (from its last upload) before it is deleted.
    #[arg(long, env = "GRIDLINE_MEDIA_GRACE_HOURS", default_value_t = 168)]
    pub media_grace_hours: u32,

    /// The address residents reach the app at (`https://12345.example.gov.cn`), for the
    /// tracking links in QR codes. Default: the address the request came to.
    #[arg(long, env = "GRIDLINE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Seconds without a touch after which a station tablet ends a resident's session
    /// and clears everything of them.
    #[arg(long, env = "GRIDLINE_STATION_IDLE_SECONDS", default_value_t = gridline_core::api::station::RESIDENT_IDLE_SECONDS)]
    pub station_idle_seconds: u32,

    /// The city's SMS gateway: text messages are POSTed here (none are sent without it).
    #[arg(long, env = "GRIDLINE_SMS_URL", hide_env_values = true)]
    pub sms_url: Option<String>,

    /// The gateway's request body, with `{phone}` and `{text}` filled in (JSON-escaped
    /// when the template is JSON; sent as a form otherwise).
    #[arg(long, env = "GRIDLINE_SMS_TEMPLATE", default_value = DEFAULT_SMS_TEMPLATE)]
    pub sms_template: String,

    /// An `Authorization` header value for the gateway (never logged).
    #[arg(long, env = "GRIDLINE_SMS_AUTHORIZATION", hide_env_values = true)]
    pub sms_authorization: Option<String>,

    /// The secret the telephone system signs its calls with (`POST /api/v1/calls`,
    /// HMAC-SHA256 like the webhooks; never logged). Without it no call is taken.
    #[arg(long, env = "GRIDLINE_TELEPHONY_SECRET", hide_env_values = true)]
    pub telephony_secret: Option<String>,

    /// Who push services may contact about this server's notifications (VAPID `sub`):
    /// a mailto: or https: URL.
    #[arg(
        long,
        env = "GRIDLINE_PUSH_SUBJECT",
        default_value = "mailto:gridline@localhost"
    )]
    pub push_subject: String,

    /// Lets push subscriptions name loopback http endpoints (tests run their push
    /// service there). Off: only https push services outside the server's network.
    #[arg(long, env = "GRIDLINE_PUSH_ALLOW_LOOPBACK", default_value_t = false)]
    pub push_allow_loopback: bool,

    /// Reverse proxies whose `X-Forwarded-For` names the client (comma-separated
    /// addresses or networks, e.g. `10.0.0.5,fd00::/8`). Empty (the default): the
    /// header is ignored and each connection's own address counts.
    #[arg(long, env = "GRIDLINE_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_trusted)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Seconds between two readings of the Open311 endpoints tickets were sent to.
    #[arg(long, env = "GRIDLINE_OPEN311_POLL_SECS", default_value_t = 60)]
    pub open311_poll_secs: u64,

    /// Reports of the same matter type filed within this many metres of each other...
    #[arg(long, env = "GRIDLINE_REPEAT_RADIUS_METERS", default_value_t = 200)]
    pub repeat_radius_meters: u32,

    /// ...and this many days of each other are shown as one problem (重复诉求).
    #[arg(long, env = "GRIDLINE_REPEAT_DAYS", default_value_t = 30)]
    pub repeat_days: u32,

    /// Seconds before the first retry of a failed delivery (doubling after each).
    #[arg(long, env = "GRIDLINE_OUTBOX_RETRY_SECS", default_value_t = 30)]
    pub outbox_retry_secs: u64,

    /// Seconds a server process holds an outbox item it is delivering; if it dies
    /// meanwhile, another process (or the restarted one) takes the item after this.
    #[arg(long, env = "GRIDLINE_OUTBOX_LEASE_SECS", default_value_t = 120)]
    pub outbox_lease_secs: u32,

    /// Attempts after which a delivery is given up (kept as dead, with its last error).
    #[arg(long, env = "GRIDLINE_OUTBOX_MAX_ATTEMPTS", default_value_t = 10)]
    pub outbox_max_attempts: u32,

    /// Minutes without use after which a station tablet signs its staff member out.
    #[arg(long, env = "GRIDLINE_STATION_STAFF_IDLE_MINUTES", default_value_t = gridline_core::api::station::STAFF_IDLE_MINUTES)]
    pub station_staff_idle_minutes: u32,
}

impl Config {
    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        // An empty variable means "not set" (`GRIDLINE_DATABASE_URL= gridline serve`).
        self.database_url
            .clone()
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("gridline.db").display()))
    }

    /// Where photos and voice notes are stored without `GRIDLINE_MEDIA_URL` (a folder in
    /// the data dir).
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    /// The session cookie's `Secure` flag: as configured; else as the public address's
    /// scheme says (https behind a proxy that ends TLS); else on unless listening on
    /// loopback.
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies
            .unwrap_or_else(|| match &self.public_url {
                Some(url) if !url.trim().is_empty() => self.public_https(),
                _ => !self.addr.ip().is_loopback(),
            })
    }

    /// Whether the public address (`GRIDLINE_PUBLIC_URL`) is https: then responses carry
    /// HSTS.
    pub fn public_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.trim().to_ascii_lowercase().starts_with("https://"))
    }

    /// A configuration for tests and tools: defaults, with the given folders.
    pub fn for_dirs(data_dir: PathBuf, dist_dir: PathBuf) -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            database_url: None,
            media_url: None,
            media_settings: Vec::new(),
            dist_dir,
            json_limit: 64 * 1024,
            secure_cookies: None,
            session_hours: 12,
            session_max_hours: 72,
            deadline_check_secs: 30,
            max_image_bytes: 5 * 1024 * 1024,
            max_audio_bytes: 5 * 1024 * 1024,
            max_video_bytes: gridline_core::api::media::DEFAULT_MAX_VIDEO_BYTES,
            uploads_per_hour: 200,
            upload_bytes_per_hour: 100 * 1024 * 1024,
            filings_per_hour: 30,
            suggestions_per_minute: 240,
            media_grace_hours: 168,
            public_url: None,
            sms_url: None,
            sms_template: DEFAULT_SMS_TEMPLATE.into(),
            sms_authorization: None,
            telephony_secret: None,
            push_subject: "mailto:gridline@localhost".into(),
            push_allow_loopback: false,
            trusted_proxies: Vec::new(),
            open311_poll_secs: 60,
            repeat_radius_meters: 200,
            repeat_days: 30,
            outbox_retry_secs: 30,
            outbox_max_attempts: 10,
            outbox_lease_secs: 120,
            station_idle_seconds: gridline_core::api::station::RESIDENT_IDLE_SECONDS,
            station_staff_idle_minutes: gridline_core::api::station::STAFF_IDLE_MINUTES,
        }
    }
}

/// The text-message gateway's default body: `{"phone": "…", "text": "…"}`.
pub const DEFAULT_SMS_TEMPLATE: &str = r#"{"phone":"{phone}","text":"{text}"}"#;

/// Reads one entry of `GRIDLINE_TRUSTED_PROXIES`: an address or a network.
pub fn parse_trusted(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is neither an address nor a network (10.0.0.0/8)"))
}
