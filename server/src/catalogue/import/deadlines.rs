//! The deadline rules (时限规则) as CSV: which matter type and/or unit level gets how
//! many working days to handle, and how many hours, counted how, to respond
//! (`gridline_core::deadline::rules` says how they combine). An import replaces the
//! whole set; an empty file (a header only) goes back to the catalogue's tiers and 4
//! clock hours.
//!
//! ```csv
//! matter_code,unit_kind,handling_days,response_hours,response_basis,office_hours
//! ,,,4,working,09:00-12:00 13:30-17:30
//! ,community,2,,,
//! ,street_office,3,,,
//! ,department,4,,,
//! 0201,,1,,,
//! ```
//!
//! `office_hours` may only be set on the rule that names neither a matter type nor a
//! unit kind: working hours are the city's.

use std::collections::HashSet;

use gridline_core::api::reference::{MatterType, UnitKind};
use gridline_core::deadline::rules::MAX_RESPONSE_HOURS;
use gridline_core::deadline::{
    DeadlineRule, DeadlineRules, HourBasis, MAX_HANDLING_DAYS, OfficeHours,
};
use serde::Deserialize;

use crate::catalogue::import::problems::{
    At, ImportProblem, finish, none_if_empty, problem, read_csv,
};

pub const HEADER: [&str; 6] = [
    "matter_code",
    "unit_kind",
    "handling_days",
    "response_hours",
    "response_basis",
    "office_hours",
];

#[derive(Deserialize)]
struct RuleRow {
    #[serde(default)]
    matter_code: String,
    #[serde(default)]
    unit_kind: String,
    #[serde(default)]
    handling_days: String,
    #[serde(default)]
    response_hours: String,
    #[serde(default)]
    response_basis: String,
    #[serde(default)]
    office_hours: String,
}

fn number(at: &At, name: &str, text: String, max: u8) -> Result<Option<u8>, ImportProblem> {
    let Some(text) = none_if_empty(text) else {
        return Ok(None);
    };
    match text.parse::<u8>() {
        Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
        _ => Err(problem(
            at,
            format!("{name} must be 1 to {max}, not {text:?}"),
        )),
    }
}

fn rule_of(
    at: &At,
    row: RuleRow,
    office_hours: &mut Option<OfficeHours>,
) -> Result<DeadlineRule, ImportProblem> {
    let unit_kind = match none_if_empty(row.unit_kind) {
        None => None,
        Some(kind) => Some(
            UnitKind::parse(&kind)
                .ok_or_else(|| problem(at, format!("unknown unit_kind {kind:?}")))?,
        ),
    };
    let response_basis = match none_if_empty(row.response_basis) {
        None => None,
        Some(basis) => Some(HourBasis::parse(&basis).ok_or_else(|| {
            problem(
                at,
                format!("response_basis must be clock or working, not {basis:?}"),
            )
        })?),
    };
    let rule = DeadlineRule {
        matter_code: none_if_empty(row.matter_code),
        unit_kind,
        handling_days: number(at, "handling_days", row.handling_days, MAX_HANDLING_DAYS)?,
        response_hours: number(at, "response_hours", row.response_hours, MAX_RESPONSE_HOURS)?,
        response_basis,
    };
    if let Some(hours) = none_if_empty(row.office_hours) {
        if rule.matter_code.is_some() || rule.unit_kind.is_some() {
            return Err(problem(
                at,
                "office_hours belong on the rule without matter_code and unit_kind",
            ));
        }
        *office_hours = Some(OfficeHours::parse(&hours).map_err(|e| problem(at, e))?);
    } else if rule.handling_days.is_none()
        && rule.response_hours.is_none()
        && rule.response_basis.is_none()
    {
        return Err(problem(at, "the rule sets nothing"));
    }
    Ok(rule)
}

/// Reads a rule set, checking each rule on its own and that no two rules name the same
/// matter type and unit kind.
pub fn read_rules(text: &str) -> Result<DeadlineRules, Vec<ImportProblem>> {
    let (rules, problems) = rules_and_problems(text)?;
    finish(rules, problems)
}

/// [`read_rules`], and every matter type named is in the catalogue.
pub fn parse_deadline_rules(
    text: &str,
    matters: &[MatterType],
) -> Result<DeadlineRules, Vec<ImportProblem>> {
    let (rules, mut problems) = rules_and_problems(text)?;
    let known: HashSet<&str> = matters.iter().map(|m| m.code.as_str()).collect();
    problems.extend(
        rules
            .rules
            .iter()
            .filter_map(|r| r.matter_code.as_deref())
            .filter(|code| !known.contains(code))
            .map(|code| {
                problem(
                    &At::File,
                    format!("matter type {code} is not in the catalogue"),
                )
            }),
    );
    finish(rules, problems)
}

fn rules_and_problems(
    text: &str,
) -> Result<(DeadlineRules, Vec<ImportProblem>), Vec<ImportProblem>> {
    let (rows, mut problems) = read_csv::<RuleRow>(text)?;
    let mut seen = HashSet::new();
    let mut office_hours = None;
    let mut rules = Vec::new();
    for (line, row) in rows {
        let at = At::Line(line);
        match rule_of(&at, row, &mut office_hours) {
            Ok(rule) if !seen.insert((rule.matter_code.clone(), rule.unit_kind)) => {
                problems.push(problem(
                    &at,
                    "another rule names the same matter type and unit kind",
                ));
            }
            Ok(rule) => rules.push(rule),
            Err(p) => problems.push(p),
        }
    }
    let rules = DeadlineRules {
        rules,
        office_hours: office_hours.unwrap_or_default(),
    };
    Ok((rules, problems))
}

/// The rule set as [`read_rules`] reads it (the office hours on the rule naming
/// neither, added when no such rule sets anything else).
pub fn rules_csv(rules: &DeadlineRules) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER).expect("writing to memory");
    let text = |n: Option<u8>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut office_written = false;
    for rule in &rules.rules {
        let general = rule.matter_code.is_none() && rule.unit_kind.is_none();
        office_written |= general;
        writer
            .write_record([
                rule.matter_code.clone().unwrap_or_default(),
                rule.unit_kind
                    .map(|k| k.as_str().to_owned())
                    .unwrap_or_default(),
                text(rule.handling_days),
                text(rule.response_hours),
                rule.response_basis
                    .map(|b| b.as_str().to_owned())
                    .unwrap_or_default(),
                if general {
                    rules.office_hours.to_text()
                } else {
                    String::new()
                },
            ])
            .expect("writing to memory");
    }
    if !office_written && rules.office_hours != OfficeHours::default() {
        let office = rules.office_hours.to_text();
        writer
            .write_record(["", "", "", "", "", office.as_str()])
            .expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAOSHAN: &str =
        "matter_code,unit_kind,handling_days,response_hours,response_basis,office_hours
,,,4,working,08:30-12:00 14:00-17:30
,community,2,,,
,street_office,3,,,
,department,4,,,
";

    #[test]
    fn reads_and_writes_the_same_rules() {
        let rules = read_rules(LAOSHAN).unwrap();
        assert_eq!(rules.rules.len(), 4);
        assert_eq!(rules.office_hours.to_text(), "08:30-12:00 14:00-17:30");
        assert_eq!(rules_csv(&rules), LAOSHAN);
        assert_eq!(read_rules(&rules_csv(&rules)).unwrap(), rules);
        // Office hours alone: a row of their own.
        let only_hours = read_rules(
            "matter_code,unit_kind,handling_days,response_hours,response_basis,office_hours\n,,,,,08:00-16:00\n",
        )
        .unwrap();
        assert_eq!(read_rules(&rules_csv(&only_hours)).unwrap(), only_hours);
        // A header only: no rules, the default hours.
        let empty = read_rules(&HEADER.join(",")).unwrap();
        assert_eq!(empty, DeadlineRules::default());
    }

    #[test]
    fn every_problem_is_said_with_its_line() {
        let text = "matter_code,unit_kind,handling_days,response_hours,response_basis,office_hours
,planet,2,,,
,,0,,,
,,,99,,
,,,,sometimes,
0201,,,,,
0201,community,1,,,08:00-12:00
,community,2,,,
,community,3,,,
,,,,,25:00-26:00
";
        let problems = read_rules(text).unwrap_err();
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 8, "{lines:#?}");
        assert!(lines[0].starts_with("line 2: unknown unit_kind"));
        assert!(lines[1].contains("handling_days must be 1 to 60"));
        assert!(lines[2].contains("response_hours must be 1 to 72"));
        assert!(lines[3].contains("clock or working"));
        assert!(lines[4].contains("sets nothing"));
        assert!(lines[5].contains("office_hours belong"));
        assert!(lines[6].starts_with("line 9: another rule"));
        assert!(lines[7].starts_with("line 10: office hours are spans"));
    }
}
