//! Reference data: the demo set through the importers, import checks, locating a
//! point, and routing.

use gridline_core::Role;
use gridline_core::api::reference::{
    CatalogueResponse, LocateResponse, RegionLevel, RegionMapResponse, RegionsResponse,
    RouteResponse, UnitsResponse,
};
use gridline_server::catalogue::import::{self, ImportKind, problems::ImportError};

use crate::helpers::{TestApp, expect_error, load_demo, sign_in_as};

crate::both_backends!(
    demo_reference_data_is_served,
    bad_imports_change_nothing_and_say_where,
    conflicting_units_are_refused,
    a_point_finds_its_grid,
    a_grid_map_turns_a_tap_into_its_place,
    routing_picks_the_one_responsible_unit,
    exports_read_back_as_imports,
    calendar_ships_2026_and_takes_next_year,
    openapi_lists_the_endpoints,
);

async fn demo_reference_data_is_served(app: &TestApp) {
    let empty: CatalogueResponse = app.get("/api/v1/catalogue").await.json().await.unwrap();
    assert!(empty.matter_types.is_empty());

    // `gridline serve --demo` on an empty database: reference data and seven logins.
    let logins = gridline_server::catalogue::demo::seed_if_empty(app.store.as_ref())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(logins.len(), 7);
    // A second run changes nothing.
    assert!(
        gridline_server::catalogue::demo::seed_if_empty(app.store.as_ref())
            .await
            .unwrap()
            .is_none()
    );

    let catalogue: CatalogueResponse = app.get("/api/v1/catalogue").await.json().await.unwrap();
    assert_eq!(catalogue.matter_types.len(), 100);
    let light = catalogue
        .matter_types
        .iter()
        .find(|m| m.code == "0201")
        .unwrap();
    assert_eq!(light.name_zh, "路灯不亮");
    assert_eq!(light.parent_code.as_deref(), Some("02"));
    assert!(light.keywords.contains(&"路灯".to_owned()));
    // The grid workers' list: things seen on a walk, not bills or schools.
    assert!(light.patrol);
    let on_patrol = |code: &str| {
        catalogue
            .matter_types
            .iter()
            .any(|m| m.code == code && m.patrol)
    };
    assert!(!on_patrol("0301") && !on_patrol("1201") && !on_patrol("02"));
    assert_eq!(
        catalogue.matter_types.iter().filter(|m| m.patrol).count(),
        37
    );

    let regions: RegionsResponse = app.get("/api/v1/regions").await.json().await.unwrap();
    let count = |level| regions.regions.iter().filter(|r| r.level == level).count();
    assert_eq!(
        [
            count(RegionLevel::District),
            count(RegionLevel::Street),
            count(RegionLevel::Community),
            count(RegionLevel::Grid)
        ],
        [1, 4, 12, 60]
    );
    let units: UnitsResponse = app.get("/api/v1/units").await.json().await.unwrap();
    assert_eq!(units.units.len(), 20);
    let water = units.units.iter().find(|u| u.code == "U-WS").unwrap();
    assert_eq!(water.matters, ["0301", "0302", "0303", "0308"]);
}

fn problem_list(err: ImportError) -> Vec<String> {
    match err {
        ImportError::Invalid(problems) => problems.iter().map(ToString::to_string).collect(),
        other => panic!("expected an invalid file, got {other}"),
    }
}

async fn bad_imports_change_nothing_and_say_where(app: &TestApp) {
    load_demo(app).await;
    let before = app.store.list_matter_types().await.unwrap();
    let bad = "code,parent_code,name_zh,name_en,tier_days,urgent,unit_kind,keywords\n\
               13,,新类别,New category,3,false,,\n\
               1301,13,坏时限,Bad tier,5,false,,\n\
               1302,77,无父类,Orphan,3,false,,\n\
               1303,13,好的,Fine,3,maybe,,\n";
    let err = import::import(app.store.as_ref(), ImportKind::Catalogue, bad)
        .await
        .unwrap_err();
    let problems = problem_list(err);
    assert_eq!(problems.len(), 3, "{problems:?}");
    // In file order, each with its line.
    assert!(problems[0].starts_with("line 3: tier_days"), "{problems:?}");
    assert!(problems[1].starts_with("line 4: parent 77"), "{problems:?}");
    assert!(problems[2].starts_with("line 5: column 6"), "{problems:?}");
    // All or nothing: not even the valid first line was written.
    assert_eq!(app.store.list_matter_types().await.unwrap(), before);

    let bad_grids = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"code":"D01-S01-C01-G09","parent_code":"D01-S01-C01","level":"grid","name_zh":"新网格","name_en":"New"},"geometry":null},
        {"type":"Feature","properties":{"code":"D01-S01-C01-G10","parent_code":"D01-S01","level":"grid","name_zh":"错层","name_en":"Wrong"},
         "geometry":{"type":"Polygon","coordinates":[[[120.4,36.0],[120.5,36.0],[120.5,36.1],[120.4,36.0]]]}}]}"#;
    let err = import::import(app.store.as_ref(), ImportKind::Grids, bad_grids)
        .await
        .unwrap_err();
    let problems = problem_list(err);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("feature 1 (D01-S01-C01-G09): a grid needs its polygon"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("street, which cannot hold a grid"),
        "{problems:?}"
    );
    let err = import::import(app.store.as_ref(), ImportKind::Grids, "{\n  \"type\": ")
        .await
        .unwrap_err();
    assert!(problems_text(err).starts_with("line 2"));
}

fn problems_text(err: ImportError) -> String {
    problem_list(err).join("\n")
}

async fn conflicting_units_are_refused(app: &TestApp) {
    load_demo(app).await;
    let before = app.store.list_units().await.unwrap();
    let conflicting = "code,name_zh,name_en,kind,region_code,matters,areas\n\
                       U-X,新单位,New unit,department,D01,0201,D01\n";
    let err = import::import(app.store.as_ref(), ImportKind::Units, conflicting)
        .await
        .unwrap_err();
    let text = problems_text(err);
    assert!(
        text.contains("U-CM and U-X are both responsible for matter 0201 in D01"),
        "{text}"
    );
    assert_eq!(app.store.list_units().await.unwrap(), before);
    // Re-importing a unit replaces its responsibilities (U-CM gives up street lights).
    let moved = "code,name_zh,name_en,kind,region_code,matters,areas\n\
                 U-CM,城市管理局,City Management Bureau,department,D01,08,D01\n\
                 U-X,新单位,New unit,department,D01,0201,D01\n";
    let summary = import::import(app.store.as_ref(), ImportKind::Units, moved)
        .await
        .unwrap();
    assert_eq!(summary.units, 2);
    let units = app.store.list_units().await.unwrap();
    assert_eq!(units.len(), 21);
    assert_eq!(
        units.iter().find(|u| u.code == "U-CM").unwrap().matters,
        ["08"]
    );
}

/// The map a resident taps: grid 2's outline fills the drawing, a place and its point
/// go both ways, and the middle of the drawing is a place the server puts in grid 2.
/// A region without a shape, or none, is not found.
async fn a_grid_map_turns_a_tap_into_its_place(app: &TestApp) {
    load_demo(app).await;
    let map: RegionMapResponse = app
        .get("/api/v1/regions/D01-S01-C01-G02/map")
        .await
        .json()
        .await
        .unwrap();
    let size: Vec<f64> = map
        .view_box
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect();
    let (w, h) = (size[2], size[3]);
    assert_eq!(w.max(h), 1000.0, "{}", map.view_box);
    assert!(map.outline.starts_with('M') && map.outline.ends_with('Z'));
    let to_place = |x: f64, y: f64| {
        (
            map.west + x / map.units_per_lon,
            map.north - y / map.units_per_lat,
        )
    };
    let (x, y) = (
        (120.41 - map.west) * map.units_per_lon,
        (map.north - 36.069) * map.units_per_lat,
    );
    assert!(
        (0.0..=w).contains(&x) && (0.0..=h).contains(&y),
        "({x}, {y})"
    );
    let (lon, lat) = to_place(x, y);
    assert!((lon - 120.41).abs() < 1e-9 && (lat - 36.069).abs() < 1e-9);
    let (lon, lat) = to_place(w / 2.0, h / 2.0);
    let located: LocateResponse = app
        .get(&format!("/api/v1/locate?lon={lon}&lat={lat}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(located.regions[0].code, "D01-S01-C01-G02");
    for missing in ["D01-S01-C01", "NOWHERE"] {
        expect_error(
            app.get(&format!("/api/v1/regions/{missing}/map")).await,
            404,
            "not_found",
        )
        .await;
    }
}

async fn a_point_finds_its_grid(app: &TestApp) {
    load_demo(app).await;
    let located: LocateResponse = app
        .get("/api/v1/locate?lon=120.41&lat=36.069")
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<_> = located.regions.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["D01-S01-C01-G02", "D01-S01-C01", "D01-S01", "D01"]);
    // On the border of grids 1 and 2: the first code, every time.
    let border: LocateResponse = app
        .get("/api/v1/locate?lon=120.41&lat=36.066")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(border.regions[0].code, "D01-S01-C01-G01");
    let outside: LocateResponse = app
        .get("/api/v1/locate?lon=116.4&lat=39.9")
        .await
        .json()
        .await
        .unwrap();
    assert!(outside.regions.is_empty());
    let body = expect_error(
        app.get("/api/v1/locate?lon=120.41&lat=91").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body.error.fields[0].field, "lat");
    expect_error(
        app.get("/api/v1/locate?lon=east&lat=36").await,
        400,
        "bad_request",
    )
    .await;
}

async fn route(app: &TestApp, matter: &str, region: &str) -> RouteResponse {
    let response = app
        .get(&format!("/api/v1/route?matter={matter}&region={region}"))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn unit_of(r: &RouteResponse) -> &str {
    r.unit.as_ref().map(|u| u.code.as_str()).unwrap_or("-")
}

async fn routing_picks_the_one_responsible_unit(app: &TestApp) {
    load_demo(app).await;
    expect_error(
        app.get("/api/v1/route?matter=0201&region=D01").await,
        401,
        "unauthenticated",
    )
    .await;
    sign_in_as(app, Role::GridWorker).await;
    expect_error(
        app.get("/api/v1/route?matter=0201&region=D01").await,
        403,
        "forbidden",
    )
    .await;
    sign_in_as(app, Role::Dispatcher).await;

    // A leaf with its own department, anywhere in the district.
    assert_eq!(
        unit_of(&route(app, "0201", "D01-S03-C02-G04").await),
        "U-CM"
    );
    // The category rule for the rest of public facilities.
    assert_eq!(
        unit_of(&route(app, "0202", "D01-S03-C02-G04").await),
        "U-HC"
    );
    // Property management: the community's own committee where it has one...
    assert_eq!(
        unit_of(&route(app, "0401", "D01-S01-C01-G01").await),
        "U-C0101"
    );
    // ...and the street office where it has none (海棠社区).
    assert_eq!(
        unit_of(&route(app, "0401", "D01-S01-C03-G01").await),
        "U-S01"
    );
    // Square dancing: community committee, not the environment branch (matter first).
    assert_eq!(
        unit_of(&route(app, "0503", "D01-S02-C01-G03").await),
        "U-C0201"
    );
    assert_eq!(
        unit_of(&route(app, "0502", "D01-S02-C01-G03").await),
        "U-EE"
    );
    // Nobody is responsible for "other": the dispatchers' queue.
    let other = route(app, "99", "D01-S01-C01-G01").await;
    assert!(other.unit.is_none());
    assert_eq!(
        serde_json::to_value(other.unrouted).unwrap(),
        "no_responsible_unit"
    );
    assert_eq!(
        serde_json::to_value(route(app, "0201", "Nowhere").await.unrouted).unwrap(),
        "unknown_region"
    );

    // An import (as from the command line) is seen by the running server.
    let moved = "code,name_zh,name_en,kind,region_code,matters,areas\n\
                 U-CM,城市管理局,City Management Bureau,department,D01,08,D01\n\
                 U-X,路灯所,Street Light Office,department,D01,0201,D01\n";
    import::import(app.store.as_ref(), ImportKind::Units, moved)
        .await
        .unwrap();
    assert_eq!(unit_of(&route(app, "0201", "D01-S03-C02-G04").await), "U-X");
}

async fn exports_read_back_as_imports(app: &TestApp) {
    load_demo(app).await;
    let matters = app.store.list_matter_types().await.unwrap();
    let regions = app.store.list_regions().await.unwrap();
    let units = app.store.list_units().await.unwrap();
    let catalogue = import::export::export(app.store.as_ref(), ImportKind::Catalogue)
        .await
        .unwrap();
    let mut parsed = import::matters::parse_catalogue(&catalogue, &[]).unwrap();
    parsed.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(parsed, matters);
    // A catalogue written before the `patrol` column still reads (nothing on the list).
    let old_format = "code,parent_code,name_zh,name_en,tier_days,urgent,unit_kind,keywords\n\
                      99,,其他,Other,11,false,,其他\n";
    let old = import::matters::parse_catalogue(old_format, &[]).unwrap();
    assert!(!old[0].patrol);
    let grids = import::export::export(app.store.as_ref(), ImportKind::Grids)
        .await
        .unwrap();
    let parsed = import::grids::parse_grids(&grids, &[]).unwrap();
    assert_eq!(parsed.len(), 77);
    assert_eq!(parsed.iter().filter(|r| r.shape.is_some()).count(), 60);
    let exported_units = import::export::export(app.store.as_ref(), ImportKind::Units)
        .await
        .unwrap();
    let parsed = import::units::parse_units(&exported_units, &matters, &regions, &[]).unwrap();
    assert_eq!(parsed, units);
}

async fn calendar_ships_2026_and_takes_next_year(app: &TestApp) {
    use gridline_core::api::reference::CalendarResponse;
    use gridline_core::calendar::WorkCalendar;
    use time::macros::date;

    let shipped: CalendarResponse = app.get("/api/v1/calendar").await.json().await.unwrap();
    assert_eq!(shipped.years, [2026]);
    let calendar = WorkCalendar::parse_csv(&shipped.csv).unwrap();
    assert_eq!(calendar, WorkCalendar::china_default());

    // A bad file: every problem with its line, nothing changed.
    let bad = "date,kind,note\n2027-01-01,off,元旦\n2027-13-01,off,x\n2027-01-02,off,a Saturday\n";
    let err = import::import(app.store.as_ref(), ImportKind::Calendar, bad)
        .await
        .unwrap_err();
    let problems = problem_list(err);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("line 3: "), "{problems:?}");
    assert!(problems[1].starts_with("line 4: "), "{problems:?}");
    let unchanged: CalendarResponse = app.get("/api/v1/calendar").await.json().await.unwrap();
    assert_eq!(unchanged.years, [2026]);

    // Next year's schedule, imported without a release; the running server sees it.
    let next = "date,kind,note\n2027-01-01,off,元旦\n";
    import::import(app.store.as_ref(), ImportKind::Calendar, next)
        .await
        .unwrap();
    let both: CalendarResponse = app.get("/api/v1/calendar").await.json().await.unwrap();
    assert_eq!(both.years, [2026, 2027]);
    let calendar = WorkCalendar::parse_csv(&both.csv).unwrap();
    assert!(!calendar.is_working_day(date!(2027 - 01 - 01)));
    assert!(!calendar.is_working_day(date!(2026 - 10 - 01)));
    let exported = import::export::export(app.store.as_ref(), ImportKind::Calendar)
        .await
        .unwrap();
    assert_eq!(WorkCalendar::parse_csv(&exported).unwrap(), calendar);
}

async fn openapi_lists_the_endpoints(app: &TestApp) {
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/healthz",
        "/api/v1/auth/login",
        "/api/v1/auth/me",
        "/api/v1/catalogue",
        "/api/v1/regions",
        "/api/v1/units",
        "/api/v1/locate",
        "/api/v1/route",
        "/api/v1/calendar",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["ErrorResponse"].is_object());
}
