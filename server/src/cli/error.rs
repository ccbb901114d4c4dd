//! What a command can fail with, said so an operator knows what to do.

use crate::auth::users;
use crate::catalogue::import::problems::ImportError;
use crate::store;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    User(#[from] users::UserError),
    #[error(transparent)]
    Store(#[from] store::shared::StoreError),
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
