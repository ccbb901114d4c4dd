//! The knowledge base as CSV, to edit in a spreadsheet with the other reference data:
//!
//! ```csv
//! id,question,answer,matter_codes,valid_from,valid_to,owner_unit_code
//! 1,楼道照明损坏怎么办,请联系小区物业报修……,0402|0201,,,U-HC
//! ,新的问题,新的解答,,2026-01-01,2026-12-31,
//! ```
//!
//! An import makes the stored entries those of the file, all or nothing: a row with an
//! id updates that entry, a row without one adds an entry, and entries the file leaves
//! out are removed (`gridline knowledge export` writes the file to start from).

use std::collections::HashSet;

use gridline_core::api::knowledge::{KnowledgeEntry, KnowledgeFields};
use gridline_core::api::reference::{HandlingUnit, MatterType};
use serde::Deserialize;

use crate::catalogue::import::export::csv_text;
use crate::catalogue::import::problems::{
    At, ImportProblem, finish, none_if_empty, problem, read_csv, split_list,
};

pub const HEADER: [&str; 7] = [
    "id",
    "question",
    "answer",
    "matter_codes",
    "valid_from",
    "valid_to",
    "owner_unit_code",
];

#[derive(Deserialize)]
struct Row {
    #[serde(default)]
    id: String,
    question: String,
    answer: String,
    #[serde(default)]
    matter_codes: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    owner_unit_code: String,
}

/// What is wrong with an entry's references, each with the field it is about: matter
/// types not in the catalogue, an owner that is no unit.
pub fn reference_problems(
    fields: &KnowledgeFields,
    matters: &[MatterType],
    units: &[HandlingUnit],
) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = fields
        .matter_codes
        .iter()
        .filter(|c| !matters.iter().any(|m| &m.code == *c))
        .map(|c| {
            (
                "matter_codes",
                format!("matter type {c} is not in the catalogue"),
            )
        })
        .collect();
    if let Some(unit) = &fields.owner_unit_code
        && !units.iter().any(|u| &u.code == unit)
    {
        out.push((
            "owner_unit_code",
            format!("owner unit {unit} does not exist"),
        ));
    }
    out
}

/// Reads the file against the catalogue, the units and the stored entries' ids.
pub fn parse_knowledge(
    text: &str,
    matters: &[MatterType],
    units: &[HandlingUnit],
    stored: &[KnowledgeEntry],
) -> Result<Vec<(Option<i64>, KnowledgeFields)>, Vec<ImportProblem>> {
    let (rows, mut problems) = read_csv::<Row>(text)?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (line, row) in rows {
        let at = At::Line(line);
        let id = match none_if_empty(row.id) {
            None => None,
            Some(text) => match text.parse::<i64>() {
                Ok(id) if stored.iter().any(|e| e.id == id) => Some(id),
                _ => {
                    problems.push(problem(
                        &at,
                        format!("no entry {text}: leave id empty to add one"),
                    ));
                    continue;
                }
            },
        };
        if let Some(id) = id
            && !seen.insert(id)
        {
            problems.push(problem(&at, format!("entry {id} is in the file twice")));
            continue;
        }
        let fields = KnowledgeFields {
            question: row.question,
            answer: row.answer,
            matter_codes: split_list(&row.matter_codes),
            valid_from: none_if_empty(row.valid_from),
            valid_to: none_if_empty(row.valid_to),
            owner_unit_code: none_if_empty(row.owner_unit_code),
        };
        if let Err(errors) = fields.validate() {
            problems.extend(
                errors
                    .into_iter()
                    .map(|e| problem(&at, format!("{}: {}", e.field, e.message))),
            );
            continue;
        }
        problems.extend(
            reference_problems(&fields, matters, units)
                .into_iter()
                .map(|(_, m)| problem(&at, m)),
        );
        out.push((id, fields));
    }
    finish(out, problems)
}

/// The entries in the format [`parse_knowledge`] reads.
pub fn knowledge_csv(entries: &[KnowledgeEntry]) -> String {
    csv_text(
        &HEADER,
        entries.iter().map(|e| {
            let f = &e.fields;
            vec![
                e.id.to_string(),
                f.question.clone(),
                f.answer.clone(),
                f.matter_codes.join("|"),
                f.valid_from.clone().unwrap_or_default(),
                f.valid_to.clone().unwrap_or_default(),
                f.owner_unit_code.clone().unwrap_or_default(),
            ]
        }),
    )
}
