//! The handling units as CSV: their kind, their parent and what they answer for (matter
//! types in areas).

use std::collections::HashSet;

use gridline_core::api::reference::{HandlingUnit, MatterType, Region, UnitKind};
use gridline_core::routing::RoutingTable;
use serde::Deserialize;

use crate::catalogue::import::problems::{
    At, ImportProblem, finish, problem, read_csv, split_list,
};

#[derive(Deserialize)]
struct UnitRow {
    code: String,
    name_zh: String,
    name_en: String,
    kind: String,
    region_code: String,
    matters: String,
    areas: String,
}

pub fn parse_units(
    text: &str,
    matters: &[MatterType],
    regions: &[Region],
    stored_units: &[HandlingUnit],
) -> Result<Vec<HandlingUnit>, Vec<ImportProblem>> {
    let (rows, mut problems) = read_csv::<UnitRow>(text)?;
    let mut units = Vec::new();
    let mut seen = HashSet::new();
    let known = Known {
        matters: matters.iter().map(|m| m.code.as_str()).collect(),
        regions: regions.iter().map(|r| r.code.as_str()).collect(),
    };
    for (line, row) in rows {
        let at = At::Line(line);
        if let Some(unit) = unit_of(&at, row, &known, &mut seen, &mut problems) {
            units.push((at, unit));
        }
    }
    if !problems.is_empty() {
        return finish(Vec::new(), problems);
    }
    // Conflicts, judged as routing will: the file's units replace their stored selves.
    let new_codes: HashSet<&str> = units.iter().map(|(_, u)| u.code.as_str()).collect();
    let all_units = stored_units
        .iter()
        .filter(|u| !new_codes.contains(u.code.as_str()))
        .chain(units.iter().map(|(_, u)| u));
    if let Err(errors) = RoutingTable::for_reference(matters, regions, all_units) {
        return Err(errors
            .iter()
            .map(|e| problem(&At::File, e.to_string()))
            .collect());
    }
    Ok(units.into_iter().map(|(_, u)| u).collect())
}

/// The matter types and regions a unit may name.
struct Known<'a> {
    matters: HashSet<&'a str>,
    regions: HashSet<&'a str>,
}

/// One unit row read, each of its problems noted (a row may have several); the unit if
/// there were none.
fn unit_of(
    at: &At,
    row: UnitRow,
    known: &Known,
    seen: &mut HashSet<String>,
    problems: &mut Vec<ImportProblem>,
) -> Option<HandlingUnit> {
    let before = problems.len();
    if row.code.is_empty() || row.name_zh.is_empty() || row.name_en.is_empty() {
        problems.push(problem(at, "code, name_zh and name_en are required"));
    }
    if !seen.insert(row.code.clone()) {
        problems.push(problem(at, format!("code {} appears twice", row.code)));
    }
    let kind = UnitKind::parse(&row.kind);
    if kind.is_none() {
        problems.push(problem(at, format!("unknown kind {:?}", row.kind)));
    }
    if !known.regions.contains(row.region_code.as_str()) {
        problems.push(problem(at, format!("unknown region {}", row.region_code)));
    }
    let unit_matters = split_list(&row.matters);
    let areas = split_list(&row.areas);
    for m in unit_matters
        .iter()
        .filter(|m| !known.matters.contains(m.as_str()))
    {
        problems.push(problem(at, format!("unknown matter type {m}")));
    }
    for a in areas.iter().filter(|a| !known.regions.contains(a.as_str())) {
        problems.push(problem(at, format!("unknown region {a} in areas")));
    }
    if problems.len() > before {
        return None;
    }
    Some(HandlingUnit {
        code: row.code,
        name_zh: row.name_zh,
        name_en: row.name_en,
        kind: kind?,
        region_code: row.region_code,
        matters: unit_matters,
        areas,
    })
}
