//! `gridline history import FILE | export`: the previous system's tickets (往年工单),
//! the format in `advance/history.rs`.

use std::path::PathBuf;

use clap::Subcommand;
use time::OffsetDateTime;

use crate::advance::history::history_csv;
use crate::advance::import_history;
use crate::cli::error::CliError;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Import last years' tickets from a CSV export of the previous system (all or
    /// nothing; rows already imported, by source_id, are passed over).
    Import { file: PathBuf },
    /// Write the imported tickets out in the import format, to standard output.
    Export,
}

pub async fn history_command(store: &dyn Store, command: HistoryCommand) -> Result<(), CliError> {
    match command {
        HistoryCommand::Import { file } => {
            let text = std::fs::read_to_string(&file).map_err(|source| CliError::ReadFile {
                path: file.display().to_string(),
                source,
            })?;
            let (added, rows) = import_history(store, &text).await?;
            println!(
                "{added} past ticket(s) imported, {} already there",
                rows as u64 - added
            );
        }
        HistoryCommand::Export => {
            let all = store
                .past_tickets(
                    OffsetDateTime::UNIX_EPOCH,
                    time::macros::datetime!(9999-01-01 0:00 UTC),
                )
                .await?;
            print!("{}", history_csv(&all));
        }
    }
    Ok(())
}
