//! `gridline user …`: staff accounts, their roles, units and grids.

use clap::Subcommand;
use gridline_core::Role;

use crate::auth::users;
use crate::cli::error::CliError;
use crate::cli::input::stdin_line;
use crate::store;

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

pub(crate) async fn user_command(
    store: &dyn store::Store,
    command: UserCommand,
) -> Result<(), CliError> {
    match command {
        UserCommand::Add {
            username,
            name,
            password_stdin,
            grant,
        } => {
            let password = if password_stdin {
                Some(stdin_line()?)
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
