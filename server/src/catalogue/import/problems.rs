//! What is wrong with an imported file, said where: every problem is collected (file,
//! line or feature, field) so one run reports them all, and nothing is written unless
//! there are none. The CSV reading the importers share.

use crate::store::shared::StoreError;

/// Where a problem is. Problems are reported in this order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum At {
    /// The file as a whole (e.g. conflicting responsibilities).
    File,
    /// A CSV line, or the line of a JSON syntax error (1-based).
    Line(usize),
    /// A GeoJSON feature (1-based) and its code.
    Feature(usize, String),
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::File => write!(f, "file"),
            At::Line(n) => write!(f, "line {n}"),
            At::Feature(n, code) if code.is_empty() => write!(f, "feature {n}"),
            At::Feature(n, code) => write!(f, "feature {n} ({code})"),
        }
    }
}

/// One problem, and where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportProblem {
    pub at: At,
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// All problems, in file order, or the value.
pub(crate) fn finish<T>(
    value: T,
    mut problems: Vec<ImportProblem>,
) -> Result<T, Vec<ImportProblem>> {
    if problems.is_empty() {
        Ok(value)
    } else {
        problems.sort();
        Err(problems)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file has {} problem(s); nothing was imported:\n{}", .0.len(), list(.0))]
    Invalid(Vec<ImportProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub(crate) fn list(problems: &[ImportProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn problem(at: &At, message: impl Into<String>) -> ImportProblem {
    ImportProblem {
        at: at.clone(),
        message: message.into(),
    }
}

pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn none_if_empty(text: String) -> Option<String> {
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Reads CSV records of `T`, each with its 1-based line (the header is line 1), and
/// the problems of the records that could not be read.
type CsvRows<T> = (Vec<(usize, T)>, Vec<ImportProblem>);

pub(crate) fn read_csv<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<CsvRows<T>, Vec<ImportProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            vec![problem(
                &At::Line(1),
                format!("cannot read the header: {e}"),
            )]
        })?
        .clone();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line()) as usize;
                problems.push(problem(&At::Line(line), e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line()) as usize;
        match record.deserialize::<T>(Some(&headers)) {
            Ok(row) => rows.push((line, row)),
            Err(e) => problems.push(problem(&At::Line(line), csv_message(&e))),
        }
    }
    Ok((rows, problems))
}

/// The useful part of a CSV error (the position is reported separately).
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => match err.field() {
            Some(field) => format!("column {}: {}", field + 1, err.kind()),
            None => err.kind().to_string(),
        },
        _ => e.to_string(),
    }
}
