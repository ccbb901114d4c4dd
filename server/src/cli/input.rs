//! What a command reads from its operator besides its arguments.

use crate::cli::error::CliError;

/// The first line of standard input without its line end: a password or secret piped
/// in, so it never stands in the shell's history or the process list.
pub(crate) fn stdin_line() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|source| CliError::ReadFile {
            path: "standard input".into(),
            source,
        })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
