//! The command line: `gridline serve | migrate | seed-demo | import | export | user |
//! station`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::auth::users;
use crate::catalogue::demo;
use crate::catalogue::import::{self, ImportKind, problems::ImportError};
use crate::config::Config;
use crate::http as serve;
use crate::store;
use crate::telemetry::LogFormat;
use gridline_core::Role;

#[derive(Debug, Parser)]
#[command(
    name = "gridline",
    version,
    about = "Gridline: city complaint intake, dispatch and follow-up (12345).",
    long_about = None
)]
pub struct Cli {
    /// Log filter, e.g. `info` or `gridline_server=debug,tower_http=info`.
    #[arg(long, env = "GRIDLINE_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Log format.
    #[arg(
        long,
        env = "GRIDLINE_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the server (runs pending migrations first).
    Serve {
        #[command(flatten)]
        config: Config,
        /// Load the demo data set into an empty database and print the demo logins.
        #[arg(long, env = "GRIDLINE_DEMO")]
        demo: bool,
    },
    /// Run pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        config: Config,
    },
    /// Load the demo data set into an empty database, print the demo logins, and exit.
    SeedDemo {
        #[command(flatten)]
        config: Config,
    },
    /// Import reference data (all or nothing; problems listed with their lines).
    Import {
        /// catalogue, units: CSV; grids: GeoJSON (formats as in server/demo/);
        /// calendar: CSV date,kind,note (as core/src/calendar/china-2026.csv).
        #[arg(value_enum)]
        kind: ImportKind,
        /// The file to read.
        file: PathBuf,
        #[command(flatten)]
        config: Config,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
        #[command(flatten)]
        config: Config,
    },
    /// Manage community stations and their tablets.
    Station {
        #[command(subcommand)]
        command: StationCommand,
        #[command(flatten)]
        config: Config,
    },
    /// Manage the dispatch systems tickets are forwarded to (signed webhooks, Open311).
    Forward {
        #[command(subcommand)]
        command: ForwardCommand,
        #[command(flatten)]
        config: Config,
    },
    /// Manage the keys other systems file through the Open311 server with.
    Open311 {
        #[command(subcommand)]
        command: Open311Command,
        #[command(flatten)]
        config: Config,
    },
    /// Export reference data in the import format, to standard output.
    Export {
        #[arg(value_enum)]
        kind: ImportKind,
        #[command(flatten)]
        config: Config,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("one of {}", names.join(", "))
    })
}

/// Roles, units and grids to give an account.
#[derive(Debug, Clone, clap::Args)]
pub struct GrantArgs {
    /// A role (repeatable): grid_worker, station, dispatcher, unit_handler, supervisor, admin.
    #[arg(long = "role", value_parser = parse_role)]
    roles: Vec<Role>,
    /// A handling unit the account acts for (repeatable; for unit handlers).
    #[arg(long = "unit")]
    units: Vec<String>,
    /// A grid the account patrols (repeatable; for grid workers).
    #[arg(long = "grid")]
    grids: Vec<String>,
}

impl From<GrantArgs> for users::Grant {
    fn from(a: GrantArgs) -> Self {
        users::Grant {
            roles: a.roles,
            units: a.units,
            grids: a.grids,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints its password once (generated unless --password-stdin).
    Add {
        username: String,
        /// The name shown to colleagues, e.g. "网格员 刘洋".
        #[arg(long)]
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        grant: GrantArgs,
    },
    /// List accounts with their roles, units and grids.
    List,
    /// Disable an account and end its sessions.
    Disable { username: String },
    /// Enable a disabled account again.
    Enable { username: String },
    /// Give an account more roles, units or grids.
    Grant {
        username: String,
        #[command(flatten)]
        grant: GrantArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum StationCommand {
    /// Add a station (or rename it, or move it to another community).
    Add {
        /// A short code, e.g. QS-01.
        code: String,
        #[arg(long)]
        name_zh: String,
        #[arg(long)]
        name_en: String,
        /// The community it serves (a region code); filings default to it.
        #[arg(long)]
        community: String,
    },
    /// Issue a one-time code that enrolls one tablet to the station (valid 24 hours).
    Enroll {
        /// The station's code.
        code: String,
    },
    /// List the stations' tablets.
    Devices,
    /// Revoke a tablet: it can no longer file.
    Revoke {
        /// The device's id (from `station devices`).
        device_id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ForwardCommand {
    /// Forward the tickets of a unit or of a matter type to a webhook; prints the
    /// signing secret once (generated unless --secret-stdin).
    Add {
        /// A name for the target, e.g. city-management-orders.
        name: String,
        #[arg(long)]
        url: String,
        /// The tickets dispatched to this unit.
        #[arg(long, conflicts_with = "matter", required_unless_present = "matter")]
        unit: Option<String>,
        /// The tickets of this matter type.
        #[arg(long)]
        matter: Option<String>,
        /// Read the signing secret (for --open311, the endpoint's api_key) from the first
        /// line of standard input.
        #[arg(long)]
        secret_stdin: bool,
        /// The URL is an Open311 GeoReport v2 endpoint (…/open311/v2): each ticket is
        /// filed there once and its progress read back. Needs --secret-stdin (the
        /// api_key).
        #[arg(long, requires = "secret_stdin")]
        open311: bool,
        /// Open311: the jurisdiction_id to send.
        #[arg(long, requires = "open311")]
        jurisdiction_id: Option<String>,
        /// Open311: the endpoint's service_code for these tickets (else the matter code).
        #[arg(long, requires = "open311")]
        service_code: Option<String>,
    },
    /// List the targets (without their secrets).
    List,
    /// Stop forwarding to a target (what is queued for it is still delivered).
    Disable { name: String },
    /// Forward to a disabled target again.
    Enable { name: String },
}

#[derive(Debug, Subcommand)]
pub enum Open311Command {
    /// Make a key for a system (prints it once; only its hash is kept).
    AddKey { name: String },
    /// List the keys' names, when they were made and whether they are revoked.
    Keys,
    /// Revoke a system's key (its requests are refused from then on).
    RevokeKey { name: String },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    User(#[from] users::UserError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("cannot use the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("{0}")]
    Refused(String),
    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: String,
        source: std::io::Error,
    },
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve { config, demo } => serve_command(config, demo).await,
        Command::Migrate { config } => {
            prepare_data_dir(&config)?;
            store::connect(&config.database_url()).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::SeedDemo { config } => {
            prepare_data_dir(&config)?;
            let store = store::connect(&config.database_url()).await?;
            seed_demo(&config, store.as_ref()).await
        }
        Command::Import { kind, file, config } => {
            let text = std::fs::read_to_string(&file).map_err(|source| CliError::ReadFile {
                path: file.display().to_string(),
                source,
            })?;
            prepare_data_dir(&config)?;
            let store = store::connect(&config.database_url()).await?;
            let summary = import::import(store.as_ref(), kind, &text).await?;
            if kind == ImportKind::Calendar {
                let years: Vec<String> = store
                    .load_calendar()
                    .await?
                    .years()
                    .map(|y| y.to_string())
                    .collect();
                println!(
                    "calendar imported; years with a schedule: {}",
                    years.join(", ")
                );
            } else {
                println!(
                    "imported {} matter type(s), {} region(s), {} unit(s)",
                    summary.matter_types, summary.regions, summary.units
                );
            }
            Ok(())
        }
        Command::User { command, config } => {
            prepare_data_dir(&config)?;
            let store = store::connect(&config.database_url()).await?;
            user_command(store.as_ref(), command).await
        }
        Command::Station { command, config } => {
            prepare_data_dir(&config)?;
            let store = store::connect(&config.database_url()).await?;
            station_command(store.as_ref(), command).await
        }
        Command::Forward { command, config } => {
            prepare_data_dir(&config)?;
            let store = store::connect(&config.database_url()).await?;
            forward_command(store.as_ref(), command).await
        }
        Command::Open311 { command, config } => {
            prepare_data_dir(&config)?;
            let store = store::connect(&config.database_url()).await?;
            open311_command(store.as_ref(), command).await
        }
        Command::Export { kind, config } => {
            let store = store::connect(&config.database_url()).await?;
            print!("{}", import::export::export(store.as_ref(), kind).await?);
            Ok(())
        }
    }
}

async fn user_command(store: &dyn store::Store, command: UserCommand) -> Result<(), CliError> {
    match command {
        UserCommand::Add {
            username,
            name,
            password_stdin,
            grant,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|source| CliError::ReadFile {
                        path: "standard input".into(),
                        source,
                    })?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let generated = password.is_none();
            let password = users::add(store, &username, &name, password, &grant.into()).await?;
            if generated {
                println!("user {username} added; password (shown once): {password}");
            } else {
                println!("user {username} added");
            }
        }
        UserCommand::List => print!("{}", users::list(store).await?),
        UserCommand::Disable { username } => {
            users::set_disabled(store, &username, true).await?;
            println!("user {username} disabled; its sessions are ended");
        }
        UserCommand::Enable { username } => {
            users::set_disabled(store, &username, false).await?;
            println!("user {username} enabled");
        }
        UserCommand::Grant { username, grant } => {
            users::grant(store, &username, &grant.into()).await?;
            println!("user {username} updated");
        }
    }
    Ok(())
}

async fn station_command(
    store: &dyn store::Store,
    command: StationCommand,
) -> Result<(), CliError> {
    let now = time::OffsetDateTime::now_utc();
    match command {
        StationCommand::Add {
            code,
            name_zh,
            name_en,
            community,
        } => {
            let known = store.list_regions().await?.into_iter().any(|r| {
                r.code == community
                    && r.level == gridline_core::api::reference::RegionLevel::Community
            });
            if !known {
                return Err(CliError::Refused(format!("no such community: {community}")));
            }
            store
                .upsert_station(&crate::station::store::NewStation {
                    code: code.clone(),
                    name_zh,
                    name_en,
                    community_code: community,
                })
                .await?;
            println!("station {code} saved");
        }
        StationCommand::Enroll { code } => {
            let issued = crate::station::issue_code(store, &code, now)
                .await
                .map_err(|e| CliError::Refused(e.to_string()))?;
            println!(
                "enrollment code for a tablet of {}: {}\n  valid until {} (UTC), once; device id {}",
                issued.station_code, issued.code, issued.expires_at, issued.device_id
            );
        }
        StationCommand::Devices => {
            for d in store.list_station_devices().await? {
                let state = d.state(now).as_str();
                let seen = d
                    .last_seen_at
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "-".into());
                println!(
                    "{:>5}  {:<10} {:<9} {:<20} last seen {seen}",
                    d.id, d.station.code, state, d.label
                );
            }
        }
        StationCommand::Revoke { device_id } => {
            if store.revoke_device(device_id, now).await? {
                println!("device {device_id} revoked; it can no longer file");
            } else {
                return Err(CliError::Refused(format!(
                    "no live device {device_id} (see `gridline station devices`)"
                )));
            }
        }
    }
    Ok(())
}

async fn open311_command(
    store: &dyn store::Store,
    command: Open311Command,
) -> Result<(), CliError> {
    match command {
        Open311Command::AddKey { name } => {
            if name.trim().is_empty() || name.len() > 100 {
                return Err(CliError::Refused(
                    "a key's name has 1 to 100 characters".into(),
                ));
            }
            let (key, hash) = crate::auth::new_session_token();
            store.add_open311_key(name.trim(), &hash).await?;
            println!("Open311 key for {} (shown once): {key}", name.trim());
        }
        Open311Command::Keys => {
            for key in store.open311_keys().await? {
                let state = match key.revoked_at {
                    Some(at) => format!("revoked {}", crate::open311::w3c(at)),
                    None => "valid".into(),
                };
                println!(
                    "{:<32} made {}  {state}",
                    key.name,
                    crate::open311::w3c(key.created_at)
                );
            }
        }
        Open311Command::RevokeKey { name } => {
            if !store.revoke_open311_key(&name).await? {
                return Err(CliError::Refused(format!(
                    "no valid Open311 key named {name}"
                )));
            }
            println!("Open311 key {name} revoked");
        }
    }
    Ok(())
}

async fn forward_command(
    store: &dyn store::Store,
    command: ForwardCommand,
) -> Result<(), CliError> {
    match command {
        ForwardCommand::Add {
            name,
            url,
            unit,
            matter,
            secret_stdin,
            open311,
            jurisdiction_id,
            service_code,
        } => {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(CliError::Refused(format!("not an http(s) URL: {url}")));
            }
            let (units, matters) = (store.list_units().await?, store.list_matter_types().await?);
            if let Some(unit) = &unit
                && !units.iter().any(|u| &u.code == unit)
            {
                return Err(CliError::Refused(format!("no such unit: {unit}")));
            }
            if let Some(matter) = &matter
                && !matters.iter().any(|m| &m.code == matter)
            {
                return Err(CliError::Refused(format!("no such matter type: {matter}")));
            }
            let secret = if secret_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|source| CliError::ReadFile {
                        path: "standard input".into(),
                        source,
                    })?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                crate::auth::new_session_token().0
            };
            if secret.len() < 16 && !open311 {
                return Err(CliError::Refused(
                    "a signing secret has at least 16 characters".into(),
                ));
            }
            if secret.trim().is_empty() {
                return Err(CliError::Refused("the api_key is empty".into()));
            }
            store
                .add_forward_target(&crate::outbox::store::NewForwardTarget {
                    name: name.clone(),
                    url,
                    secret: secret.clone(),
                    unit_code: unit,
                    matter_code: matter,
                    kind: if open311 {
                        crate::outbox::store::TargetKind::Open311
                    } else {
                        crate::outbox::store::TargetKind::Webhook
                    },
                    jurisdiction_id,
                    service_code,
                })
                .await?;
            if secret_stdin || open311 {
                println!("forwarding target {name} added");
            } else {
                println!("forwarding target {name} added; signing secret (shown once): {secret}");
            }
        }
        ForwardCommand::List => {
            for t in store.forward_targets().await? {
                let what = match (&t.unit_code, &t.matter_code) {
                    (Some(unit), _) => format!("unit={unit}"),
                    (_, Some(matter)) => format!("matter={matter}"),
                    _ => String::new(),
                };
                let state = if t.disabled { "disabled" } else { "enabled" };
                println!(
                    "{:<24} {:<8} {what:<16} {state:<8} {}",
                    t.name,
                    t.kind.as_str(),
                    t.url
                );
            }
        }
        ForwardCommand::Disable { name } => {
            if !store.set_forward_target_disabled(&name, true).await? {
                return Err(CliError::Refused(format!("no forwarding target {name}")));
            }
            println!("forwarding to {name} stopped");
        }
        ForwardCommand::Enable { name } => {
            if !store.set_forward_target_disabled(&name, false).await? {
                return Err(CliError::Refused(format!("no forwarding target {name}")));
            }
            println!("forwarding to {name} resumed");
        }
    }
    Ok(())
}

fn prepare_data_dir(config: &Config) -> Result<(), CliError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| CliError::DataDir {
        path: config.data_dir.display().to_string(),
        source,
    })
}

async fn seed_demo(config: &Config, store: &dyn store::Store) -> Result<(), CliError> {
    match demo::seed_if_empty(store).await? {
        Some(logins) => {
            let file = config.data_dir.join("demo-logins.txt");
            let text = demo::logins_text(&logins);
            if let Err(err) = demo::write_private(&file, &text) {
                tracing::warn!(error = %err, "could not keep the demo logins in the data folder");
            }
            println!(
                "Demo data loaded. Staff logins (kept in {}):",
                file.display()
            );
            print!("{text}");
        }
        None => println!(
            "The database already holds data; demo data not loaded. Demo logins, if any, are in {}",
            config.data_dir.join("demo-logins.txt").display()
        ),
    }
    Ok(())
}

async fn serve_command(config: Config, demo: bool) -> Result<(), CliError> {
    prepare_data_dir(&config)?;
    let store = store::connect(&config.database_url()).await?;
    if demo {
        seed_demo(&config, store.as_ref()).await?;
    }
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|source| CliError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(CliError::Serve)?;
    let state = serve::AppState::new(config, store).map_err(CliError::Serve)?;
    println!("Gridline is running at http://{addr}/");
    println!(
        "  staff consoles: http://{addr}/staff/  grid workers: http://{addr}/field/  \
         station tablets: http://{addr}/station/"
    );
    serve::serve(listener, state, serve::shutdown_signal())
        .await
        .map_err(CliError::Serve)?;
    println!("Gridline stopped.");
    Ok(())
}
