//! `gridline knowledge import FILE | export`: the knowledge base (解答知识库) as CSV,
//! the format in `knowledge/csv.rs`.

use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::error::CliError;
use crate::knowledge::csv::knowledge_csv;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum KnowledgeCommand {
    /// Make the entries those of a CSV file (all or nothing): rows with an id update
    /// that entry, rows without add one, entries left out are removed.
    Import { file: PathBuf },
    /// Write the entries out in the import format, to standard output.
    Export,
}

pub async fn knowledge_command(
    store: &dyn Store,
    command: KnowledgeCommand,
) -> Result<(), CliError> {
    match command {
        KnowledgeCommand::Import { file } => {
            let text = std::fs::read_to_string(&file).map_err(|source| CliError::ReadFile {
                path: file.display().to_string(),
                source,
            })?;
            let entries = crate::knowledge::import_csv(store, &text).await?;
            println!("{entries} knowledge base entries");
        }
        KnowledgeCommand::Export => {
            print!("{}", knowledge_csv(&store.knowledge_entries().await?));
        }
    }
    Ok(())
}
