//! The matter catalogue (事项目录) as CSV: codes, parents, names, the deadline tier, keywords
//! the kind of unit responsible, and whether it is a police matter (110 联动).

use std::collections::{HashMap, HashSet};

use gridline_core::api::reference::{MatterType, UnitKind};
use gridline_core::deadline::{MAX_CHECKPOINTS, Tier};
use serde::Deserialize;

use crate::catalogue::import::problems::{
    At, ImportProblem, finish, none_if_empty, problem, read_csv, split_list,
};

#[derive(Deserialize)]
struct CatalogueRow {
    code: String,
    parent_code: String,
    name_zh: String,
    name_en: String,
    tier_days: u8,
    urgent: bool,
    unit_kind: String,
    keywords: String,
    /// Optional column: on the grid workers' list (default false).
    #[serde(default)]
    patrol: bool,
    /// Optional column: supervision checkpoints of its tickets, 1 to 4 (default 1).
    #[serde(default = "one")]
    complexity: u8,
    /// Optional column: a police matter, transferred to the police (110) system
    /// (default false).
    #[serde(default)]
    police: bool,
}

fn one() -> u8 {
    1
}

/// Orders nodes so that every parent comes before its children (by depth), keeping the
/// file's order otherwise; `None` depth means a missing parent or a cycle.
fn depth_of(code: &str, parents: &HashMap<String, Option<String>>) -> Option<usize> {
    let mut depth = 0;
    let mut current = code;
    while let Some(Some(parent)) = parents.get(current) {
        depth += 1;
        if depth > 16 {
            return None;
        }
        current = parent;
    }
    parents.contains_key(current).then_some(depth)
}

pub fn parse_catalogue(
    text: &str,
    stored: &[MatterType],
) -> Result<Vec<MatterType>, Vec<ImportProblem>> {
    let (rows, mut problems) = read_csv::<CatalogueRow>(text)?;
    let mut seen = HashSet::new();
    let mut matters = Vec::new();
    for (line, row) in rows {
        match matter_of(&At::Line(line), row, &mut seen) {
            Ok(matter) => matters.push((line, matter)),
            Err(p) => problems.push(p),
        }
    }
    let mut parents: HashMap<String, Option<String>> = stored
        .iter()
        .map(|m| (m.code.clone(), m.parent_code.clone()))
        .collect();
    parents.extend(
        matters
            .iter()
            .map(|(_, m)| (m.code.clone(), m.parent_code.clone())),
    );
    let mut ordered = Vec::new();
    for (line, m) in matters {
        match depth_of(&m.code, &parents) {
            Some(depth) => ordered.push((depth, m)),
            None => problems.push(problem(
                &At::Line(line),
                format!(
                    "parent {} of {} is not in the catalogue (or loops)",
                    m.parent_code.unwrap_or_default(),
                    m.code
                ),
            )),
        }
    }
    ordered.sort_by_key(|(depth, _)| *depth);
    finish(ordered.into_iter().map(|(_, m)| m).collect(), problems)
}

/// One catalogue row as a matter type: code and names present, the code new, a known
/// tier and unit kind.
fn matter_of(
    at: &At,
    row: CatalogueRow,
    seen: &mut HashSet<String>,
) -> Result<MatterType, ImportProblem> {
    if row.code.is_empty() || row.name_zh.is_empty() || row.name_en.is_empty() {
        return Err(problem(at, "code, name_zh and name_en are required"));
    }
    if !seen.insert(row.code.clone()) {
        return Err(problem(at, format!("code {} appears twice", row.code)));
    }
    if Tier::from_working_days(row.tier_days).is_none() {
        return Err(problem(
            at,
            format!("tier_days must be 1, 3, 7 or 11, not {}", row.tier_days),
        ));
    }
    if !(1..=MAX_CHECKPOINTS).contains(&row.complexity) {
        return Err(problem(
            at,
            format!("complexity must be 1 to 4, not {}", row.complexity),
        ));
    }
    let unit_kind = match none_if_empty(row.unit_kind) {
        None => None,
        Some(kind) => match UnitKind::parse(&kind) {
            Some(kind) => Some(kind),
            None => {
                return Err(problem(at, format!("unknown unit_kind {kind:?}")));
            }
        },
    };
    Ok(MatterType {
        code: row.code,
        parent_code: none_if_empty(row.parent_code),
        name_zh: row.name_zh,
        name_en: row.name_en,
        tier_days: row.tier_days,
        urgent: row.urgent,
        keywords: split_list(&row.keywords),
        unit_kind,
        patrol: row.patrol,
        complexity: row.complexity,
        police: row.police,
    })
}
