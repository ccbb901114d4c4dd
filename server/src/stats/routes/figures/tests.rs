//! Unit tests of `routes`.

use gridline_core::api::stats::ReportKind;
use gridline_core::geo::Polygon;
use time::macros::date;

use super::*;
use crate::catalogue::map::svg_paths;
use crate::stats::routes::reports::report_period;

#[test]
fn months_roll_over_the_year() {
    assert_eq!(add_months(date!(2026 - 12 - 01), 1), date!(2027 - 01 - 01));
    assert_eq!(add_months(date!(2026 - 01 - 01), -1), date!(2025 - 12 - 01));
    assert_eq!(
        add_months(date!(2026 - 11 - 01), -11),
        date!(2025 - 12 - 01)
    );
    assert_eq!(add_months(date!(2026 - 11 - 01), 0), date!(2026 - 11 - 01));
    // 2027-01-01 04:00 in China: January.
    assert_eq!(
        first_of_month(today(time::macros::datetime!(2026-12-31 20:00 UTC))),
        date!(2027 - 01 - 01)
    );
}

#[test]
fn report_periods() {
    // 2026-11-25 is a Wednesday.
    let wed = date!(2026 - 11 - 25);
    assert_eq!(
        report_period(ReportKind::Weekly, wed),
        (
            date!(2026 - 11 - 23),
            date!(2026 - 11 - 30),
            date!(2026 - 11 - 16)
        )
    );
    assert_eq!(
        report_period(ReportKind::Weekly, date!(2026 - 11 - 29)).0,
        date!(2026 - 11 - 23),
        "Sunday ends the week"
    );
    assert_eq!(
        report_period(ReportKind::Monthly, date!(2026 - 03 - 31)),
        (
            date!(2026 - 03 - 01),
            date!(2026 - 04 - 01),
            date!(2026 - 02 - 01)
        )
    );
    assert_eq!(
        report_period(ReportKind::Daily, date!(2026 - 03 - 01)),
        (
            date!(2026 - 03 - 01),
            date!(2026 - 03 - 02),
            date!(2026 - 02 - 28)
        )
    );
}

#[test]
fn grids_are_drawn_north_up_and_in_proportion() {
    use gridline_core::geo::Point;
    let square = |west: f64, south: f64| Polygon {
        outer: vec![
            Point::new(west, south),
            Point::new(west + 0.01, south),
            Point::new(west + 0.01, south + 0.01),
            Point::new(west, south + 0.01),
        ],
        holes: Vec::new(),
    };
    let north = [square(120.0, 36.01)];
    let south = [square(120.0, 36.0)];
    let (view_box, paths) = svg_paths([("N", &north[..]), ("S", &south[..])]);
    // Two squares stacked: 0.01° of longitude is cos(36°) as wide as 0.01° of
    // latitude is high.
    assert_eq!(view_box, "0 0 405 1000");
    assert!(paths["N"].starts_with("M0.0 500.0 "), "{}", paths["N"]);
    assert!(paths["S"].starts_with("M0.0 1000.0 "), "{}", paths["S"]);
    assert!(paths["S"].ends_with('Z'));
}
