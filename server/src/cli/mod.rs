//! The command line: `gridline serve | migrate | seed-demo | import | export | history | knowledge |
//! user | station | forward | open311`.

pub mod error;
pub mod forwarding;
pub mod history;
pub mod input;
pub mod knowledge;
pub mod open311;
pub mod staff;
pub mod stations;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::catalogue::demo;
use crate::catalogue::import::{self, ImportKind};
use crate::cli::error::CliError;
use crate::cli::forwarding::{ForwardCommand, forward_command};
use crate::cli::history::{HistoryCommand, history_command};
use crate::cli::knowledge::{KnowledgeCommand, knowledge_command};
use crate::cli::open311::{Open311Command, open311_command};
use crate::cli::staff::{UserCommand, user_command};
use crate::cli::stations::{StationCommand, station_command};
use crate::config::Config;
use crate::http as serve;
use crate::store;
use crate::telemetry::LogFormat;

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
    /// The previous system's tickets (往年工单), read by the advance notices.
    History {
        #[command(subcommand)]
        command: HistoryCommand,
        #[command(flatten)]
        config: Config,
    },
    /// The knowledge base (解答知识库) as CSV.
    Knowledge {
        #[command(subcommand)]
        command: KnowledgeCommand,
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
    /// Print the link to a ticket's page, as texts carry it (to tell a resident again):
    /// under GRIDLINE_PUBLIC_URL, or the path alone without it.
    TrackLink {
        /// The ticket's tracking code.
        code: String,
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
        Command::Import { kind, file, config } => import_command(&config, kind, &file).await,
        Command::History { command, config } => {
            prepare_data_dir(&config)?;
            let store = store::connect(&config.database_url()).await?;
            history_command(store.as_ref(), command).await
        }
        Command::Knowledge { command, config } => {
            prepare_data_dir(&config)?;
            let store = store::connect(&config.database_url()).await?;
            knowledge_command(store.as_ref(), command).await
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
        Command::TrackLink { code, config } => {
            let store = store::connect(&config.database_url()).await?;
            let code = code.trim().to_uppercase();
            if store.ticket_by_code(&code).await?.is_none() {
                return Err(CliError::Refused(format!("no ticket {code}")));
            }
            let key = crate::tickets::link::LinkKey::load(store.as_ref()).await?;
            println!(
                "{}",
                key.page(config.public_url.as_deref().unwrap_or(""), &code)
            );
            Ok(())
        }
        Command::Export { kind, config } => {
            let store = store::connect(&config.database_url()).await?;
            print!("{}", import::export::export(store.as_ref(), kind).await?);
            Ok(())
        }
    }
}

/// `gridline import`: reads the file, imports it, and says what the database now holds.
async fn import_command(config: &Config, kind: ImportKind, file: &Path) -> Result<(), CliError> {
    let text = std::fs::read_to_string(file).map_err(|source| CliError::ReadFile {
        path: file.display().to_string(),
        source,
    })?;
    prepare_data_dir(config)?;
    let store = store::connect(&config.database_url()).await?;
    let summary = import::import(store.as_ref(), kind, &text).await?;
    if kind == ImportKind::Deadlines {
        let rules = crate::catalogue::cache::deadline_rules(store.as_ref()).await?;
        println!(
            "deadline rules imported: {} rule(s), office hours {}",
            rules.rules.len(),
            rules.office_hours.to_text()
        );
    } else if kind == ImportKind::Calendar {
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
