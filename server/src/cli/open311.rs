//! `gridline open311 …`: the keys of partners filing through the Open311 server.

use clap::Subcommand;

use crate::cli::error::CliError;
use crate::store;

#[derive(Debug, Subcommand)]
pub enum Open311Command {
    /// Make a key for a system (prints it once; only its hash is kept).
    AddKey { name: String },
    /// List the keys' names, when they were made and whether they are revoked.
    Keys,
    /// Revoke a system's key (its requests are refused from then on).
    RevokeKey { name: String },
}

pub(crate) async fn open311_command(
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
