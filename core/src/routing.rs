//! Routing (一派到位): each ticket goes to exactly one lead unit, chosen by its matter
//! type and its grid from the units' responsibility lists.
//!
//! A responsibility says "unit U handles matter M (and every matter below it in the
//! catalogue) in region R (and every grid below it)". For a ticket of matter m in grid
//! g, the most specific responsibility wins: first the one nearest to m in the
//! catalogue, then, among those, the one nearest to g in the jurisdiction tree. Two
//! units responsible for the same (matter, region) pair would make that choice a coin
//! toss, so [`RoutingTable::new`] refuses such lists. When nothing matches, the ticket
//! goes to the dispatchers' queue ([`Route::Unrouted`]).

use std::collections::HashMap;

use crate::api::reference::{HandlingUnit, MatterType, Region};

/// "This unit handles this matter in this region."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsibility {
    pub unit_code: String,
    pub matter_code: String,
    pub region_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The one lead unit.
    Unit(String),
    /// To the dispatchers' queue, and why.
    Unrouted(Unrouted),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unrouted {
    /// No unit is responsible for this matter here.
    NoResponsibleUnit,
    /// The matter type is not in the catalogue.
    UnknownMatter,
    /// The grid (or region) is not in the jurisdiction tree.
    UnknownRegion,
}

/// A problem in the responsibility lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingError {
    UnknownMatter {
        unit: String,
        matter: String,
    },
    UnknownRegion {
        unit: String,
        region: String,
    },
    /// Two units for the same matter and region.
    Conflict {
        matter: String,
        region: String,
        units: [String; 2],
    },
}

impl std::fmt::Display for RoutingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RoutingError::UnknownMatter { unit, matter } => {
                write!(f, "unit {unit}: unknown matter type {matter}")
            }
            RoutingError::UnknownRegion { unit, region } => {
                write!(f, "unit {unit}: unknown region {region}")
            }
            RoutingError::Conflict {
                matter,
                region,
                units,
            } => write!(
                f,
                "units {} and {} are both responsible for matter {matter} in {region}",
                units[0], units[1]
            ),
        }
    }
}

/// A tree given as child -> parent.
type Parents = HashMap<String, Option<String>>;

/// Deep enough for a five-level catalogue and a four-level jurisdiction tree; also
/// stops a cycle in bad data from looping.
const MAX_DEPTH: usize = 16;

fn ancestry<'a>(parents: &'a Parents, code: &'a str) -> Option<Vec<&'a str>> {
    let mut chain = vec![code];
    let mut current = parents.get(code)?;
    while let Some(parent) = current {
        if chain.len() >= MAX_DEPTH {
            break;
        }
        chain.push(parent);
        current = parents.get(parent.as_str()).unwrap_or(&None);
    }
    Some(chain)
}

#[derive(Debug, Clone, Default)]
pub struct RoutingTable {
    matters: Parents,
    regions: Parents,
    units: HashMap<(String, String), String>,
}

impl RoutingTable {
    /// `matters` and `regions`: (code, parent code) of every node.
    pub fn new(
        matters: impl IntoIterator<Item = (String, Option<String>)>,
        regions: impl IntoIterator<Item = (String, Option<String>)>,
        responsibilities: impl IntoIterator<Item = Responsibility>,
    ) -> Result<RoutingTable, Vec<RoutingError>> {
        let mut table = RoutingTable {
            matters: matters.into_iter().collect(),
            regions: regions.into_iter().collect(),
            units: HashMap::new(),
        };
        let mut errors = Vec::new();
        for r in responsibilities {
            if !table.matters.contains_key(&r.matter_code) {
                errors.push(RoutingError::UnknownMatter {
                    unit: r.unit_code,
                    matter: r.matter_code,
                });
                continue;
            }
            if !table.regions.contains_key(&r.region_code) {
                errors.push(RoutingError::UnknownRegion {
                    unit: r.unit_code,
                    region: r.region_code,
                });
                continue;
            }
            let key = (r.matter_code.clone(), r.region_code.clone());
            match table.units.get(&key) {
                Some(existing) if *existing != r.unit_code => errors.push(RoutingError::Conflict {
                    matter: r.matter_code,
                    region: r.region_code,
                    units: [existing.clone(), r.unit_code],
                }),
                Some(_) => {}
                None => {
                    table.units.insert(key, r.unit_code);
                }
            }
        }
        if errors.is_empty() {
            Ok(table)
        } else {
            Err(errors)
        }
    }

    /// The table for a catalogue, a jurisdiction tree and the units' lists (each unit
    /// answers for each of its matters in each of its areas).
    pub fn for_reference<'a>(
        matters: &[MatterType],
        regions: &[Region],
        units: impl IntoIterator<Item = &'a HandlingUnit>,
    ) -> Result<RoutingTable, Vec<RoutingError>> {
        let responsibilities = units.into_iter().flat_map(|u| {
            u.matters.iter().flat_map(move |m| {
                u.areas.iter().map(move |a| Responsibility {
                    unit_code: u.code.clone(),
                    matter_code: m.clone(),
                    region_code: a.clone(),
                })
            })
        });
        RoutingTable::new(
            matters
                .iter()
                .map(|m| (m.code.clone(), m.parent_code.clone())),
            regions
                .iter()
                .map(|r| (r.code.clone(), r.parent_code.clone())),
            responsibilities,
        )
    }

    /// The lead unit for a ticket of `matter` in `region` (normally a grid).
    pub fn route(&self, matter: &str, region: &str) -> Route {
        let Some(matter_chain) = ancestry(&self.matters, matter) else {
            return Route::Unrouted(Unrouted::UnknownMatter);
        };
        let Some(region_chain) = ancestry(&self.regions, region) else {
            return Route::Unrouted(Unrouted::UnknownRegion);
        };
        for m in &matter_chain {
            for r in &region_chain {
                if let Some(unit) = self.units.get(&((*m).to_owned(), (*r).to_owned())) {
                    return Route::Unit(unit.clone());
                }
            }
        }
        Route::Unrouted(Unrouted::NoResponsibleUnit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(code: &str, parent: Option<&str>) -> (String, Option<String>) {
        (code.to_owned(), parent.map(str::to_owned))
    }

    fn resp(unit: &str, matter: &str, region: &str) -> Responsibility {
        Responsibility {
            unit_code: unit.into(),
            matter_code: matter.into(),
            region_code: region.into(),
        }
    }

    fn table(responsibilities: Vec<Responsibility>) -> Result<RoutingTable, Vec<RoutingError>> {
        RoutingTable::new(
            [
                node("02", None),
                node("0201", Some("02")),
                node("0202", Some("02")),
                node("05", None),
            ],
            [
                node("D", None),
                node("D-S1", Some("D")),
                node("D-S1-C1", Some("D-S1")),
                node("D-S1-C1-G1", Some("D-S1-C1")),
                node("D-S1-C1-G2", Some("D-S1-C1")),
            ],
            responsibilities,
        )
    }

    #[test]
    fn the_most_specific_responsibility_wins() {
        let t = table(vec![
            resp("city-works", "02", "D"),
            resp("street-lights", "0201", "D"),
            resp("community-1", "02", "D-S1-C1"),
            resp("grid-2-lights", "0201", "D-S1-C1-G2"),
        ])
        .unwrap();
        // The matter's specificity comes first: street lights anywhere in D.
        assert_eq!(
            t.route("0201", "D-S1-C1-G1"),
            Route::Unit("street-lights".into())
        );
        // Then the region's: the same matter in grid 2 has its own unit.
        assert_eq!(
            t.route("0201", "D-S1-C1-G2"),
            Route::Unit("grid-2-lights".into())
        );
        // Roads (0202): no leaf rule, the category rule nearest to the grid.
        assert_eq!(
            t.route("0202", "D-S1-C1-G1"),
            Route::Unit("community-1".into())
        );
        assert_eq!(t.route("0202", "D-S1"), Route::Unit("city-works".into()));
    }

    #[test]
    fn nothing_matches_or_unknown_codes_go_to_the_dispatchers() {
        let t = table(vec![resp("city-works", "02", "D")]).unwrap();
        assert_eq!(
            t.route("05", "D-S1-C1-G1"),
            Route::Unrouted(Unrouted::NoResponsibleUnit)
        );
        assert_eq!(
            t.route("99", "D-S1-C1-G1"),
            Route::Unrouted(Unrouted::UnknownMatter)
        );
        assert_eq!(
            t.route("0201", "X"),
            Route::Unrouted(Unrouted::UnknownRegion)
        );
    }

    #[test]
    fn conflicting_and_dangling_lists_are_refused() {
        let errors = table(vec![
            resp("a", "02", "D"),
            resp("b", "02", "D"),
            resp("a", "02", "D"),
            resp("c", "77", "D"),
            resp("d", "02", "Nowhere"),
        ])
        .unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].to_string().contains("a and b"));
        assert!(matches!(errors[1], RoutingError::UnknownMatter { .. }));
        assert!(matches!(errors[2], RoutingError::UnknownRegion { .. }));
    }

    #[test]
    fn a_cycle_in_bad_data_does_not_hang() {
        let t = RoutingTable::new(
            [node("A", Some("B")), node("B", Some("A"))],
            [node("G", None)],
            [resp("u", "B", "G")],
        )
        .unwrap();
        assert_eq!(t.route("A", "G"), Route::Unit("u".into()));
    }
}
