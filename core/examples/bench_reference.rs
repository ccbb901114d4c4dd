//! Benchmark: locating points and routing tickets at a large city's scale.
//!
//! `scripts/bench.sh` runs it (release build). Builds a catalogue of 5,000 matter types
//! (three levels under 10 categories), a jurisdiction tree with 4,096 grids (square
//! cells of about 250 m), and about 20,000 responsibilities, then times lookups.
//! Prints the figures recorded in docs/measurements.md.

use std::hint::black_box;
use std::time::Instant;

use gridline_core::calendar::WorkCalendar;
use gridline_core::deadline::{CHINA_OFFSET, HourBasis, OfficeHours, Terms, Tier, deadlines};
use gridline_core::geo::{GridLocator, Point, Polygon};
use gridline_core::routing::{Responsibility, RoutingTable};
use time::OffsetDateTime;

/// A small deterministic generator (no dependency, same numbers every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn timed<T>(label: &str, iterations: u32, mut f: impl FnMut(u32) -> T) {
    let start = Instant::now();
    for i in 0..iterations {
        black_box(f(i));
    }
    let per_call = start.elapsed() / iterations;
    println!(
        "{label:<44} {:>10.2} µs/op  ({iterations} ops)",
        per_call.as_secs_f64() * 1e6
    );
}

fn main() {
    // Catalogue: 10 categories x 20 groups x 24 types = 5,000 with the inner nodes.
    let mut matters = Vec::new();
    let mut leaves = Vec::new();
    for c in 0..10 {
        let cat = format!("{c:02}");
        matters.push((cat.clone(), None));
        for g in 0..20 {
            let group = format!("{cat}{g:02}");
            matters.push((group.clone(), Some(cat.clone())));
            for t in 0..24 {
                let leaf = format!("{group}{t:02}");
                matters.push((leaf.clone(), Some(group.clone())));
                leaves.push(leaf);
            }
        }
    }
    let matters = matters.into_iter().take(5_000).collect::<Vec<_>>();
    leaves.retain(|l| matters.iter().any(|(m, _)| m == l));

    // Regions: 1 district, 8 streets, 64 communities, 4,096 grids on a 64 x 64 raster.
    let mut regions = vec![("D".to_owned(), None)];
    let mut shapes = Vec::new();
    let cell = 0.0025;
    for x in 0..64 {
        for y in 0..64 {
            let street = format!("D-S{}", x / 8);
            let community = format!("{street}-C{}", (x % 8) * 8 + y / 8);
            let grid = format!("{community}-G{x:02}{y:02}");
            regions.push((grid.clone(), Some(community)));
            let (x0, y0) = (120.3 + f64::from(x) * cell, 36.0 + f64::from(y) * cell);
            shapes.push((
                grid,
                vec![Polygon {
                    outer: vec![
                        Point::new(x0, y0),
                        Point::new(x0 + cell, y0),
                        Point::new(x0 + cell, y0 + cell),
                        Point::new(x0, y0 + cell),
                    ],
                    holes: vec![],
                }],
            ));
        }
    }
    for s in 0..8 {
        regions.push((format!("D-S{s}"), Some("D".to_owned())));
        for c in 0..64 {
            regions.push((format!("D-S{s}-C{c}"), Some(format!("D-S{s}"))));
        }
    }
    let grids: Vec<String> = shapes.iter().map(|(g, _)| g.clone()).collect();

    // Responsibilities: every category district-wide, every group per street, and
    // leaves for random communities.
    let mut rng = Lcg(42);
    let mut responsibilities = Vec::new();
    for (code, parent) in &matters {
        let (unit, region) = match parent {
            None => (format!("U-{code}"), "D".to_owned()),
            Some(_) if code.len() == 4 => (format!("U-{code}-S"), format!("D-S{}", rng.below(8))),
            Some(_) => {
                let s = rng.below(8);
                (format!("U-{code}-C"), format!("D-S{s}-C{}", rng.below(64)))
            }
        };
        responsibilities.push(Responsibility {
            unit_code: unit,
            matter_code: code.clone(),
            region_code: region,
        });
    }
    for _ in 0..15_000 {
        let leaf = &leaves[rng.below(leaves.len())];
        let s = rng.below(8);
        let region = format!("D-S{s}-C{}", rng.below(64));
        responsibilities.push(Responsibility {
            unit_code: format!("U-{leaf}-{region}"),
            matter_code: leaf.clone(),
            region_code: region,
        });
    }
    // Drop pairs already taken (the importer would refuse them).
    let mut seen = std::collections::HashSet::new();
    responsibilities.retain(|r| seen.insert((r.matter_code.clone(), r.region_code.clone())));

    println!(
        "data: {} matter types, {} regions ({} grids), {} responsibilities",
        matters.len(),
        regions.len(),
        grids.len(),
        responsibilities.len()
    );

    let start = Instant::now();
    let locator = GridLocator::new(shapes);
    println!(
        "{:<44} {:>10.2} ms",
        "build grid index",
        start.elapsed().as_secs_f64() * 1e3
    );
    let start = Instant::now();
    let table = RoutingTable::new(matters.clone(), regions.clone(), responsibilities)
        .expect("no conflicts");
    println!(
        "{:<44} {:>10.2} ms",
        "build routing table",
        start.elapsed().as_secs_f64() * 1e3
    );

    let points: Vec<Point> = (0..10_000)
        .map(|_| {
            Point::new(
                120.3 + rng.below(160_000) as f64 * 1e-6,
                36.0 + rng.below(160_000) as f64 * 1e-6,
            )
        })
        .collect();
    timed("locate a point among 4,096 grids", 10_000, |i| {
        locator.locate(points[i as usize])
    });
    let tickets: Vec<(String, String)> = (0..10_000)
        .map(|_| {
            (
                leaves[rng.below(leaves.len())].clone(),
                grids[rng.below(grids.len())].clone(),
            )
        })
        .collect();
    timed("route a ticket (5,000 types, 4,096 grids)", 10_000, |i| {
        let (m, g) = &tickets[i as usize];
        table.route(m, g)
    });
    let calendar = WorkCalendar::china_default();
    let start = OffsetDateTime::from_unix_timestamp(1_767_225_600).expect("2026-01-01");
    let office = OfficeHours::default();
    timed("deadlines of a ticket (11 working days)", 10_000, |i| {
        deadlines(
            &calendar,
            &office,
            CHINA_OFFSET,
            start + time::Duration::minutes(i64::from(i) * 37),
            Terms::standard(Tier::Eleven.working_days()),
            false,
        )
    });
    let working = Terms {
        response_basis: HourBasis::Working,
        ..Terms::standard(Tier::Eleven.working_days())
    };
    timed(
        "deadlines of a ticket (11 working days, 4 working hours)",
        10_000,
        |i| {
            deadlines(
                &calendar,
                &office,
                CHINA_OFFSET,
                start + time::Duration::minutes(i64::from(i) * 37),
                working,
                false,
            )
        },
    );
}
