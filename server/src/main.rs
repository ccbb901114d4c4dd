//! The `gridline` binary: parse the command line, start telemetry, run the command.

use clap::Parser;
use gridline_server::cli::{Cli, run};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    gridline_server::telemetry::init(&cli.log, cli.log_format);
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::debug!(error = %err, "gridline failed");
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
