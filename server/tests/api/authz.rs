//! The authorization matrix: every endpoint the server routes, called by every kind of
//! caller (nobody, the resident who filed, an Open311 partner, a dispatch system, station
//! tablets of this and another station and a revoked one, and staff of each role,
//! including a worker of another grid and a handler of another unit), with the status
//! each must get. One table ([`rows`]); the routes are read from the server's own
//! source (every `.route(` under `server/src/`), so an endpoint added without a row fails this test.
//!
//! Each caller comes from its own address (the test server trusts 127.0.0.1 as a proxy
//! and each caller names itself in `X-Forwarded-For`), so one caller's refusals never
//! count towards another's limits.

use std::collections::BTreeSet;

use gridline_core::Role;
use gridline_core::api::station::{DEVICE_HEADER, EnrolledResponse, StationDevicesResponse};
use gridline_core::api::ticket::DEVICE_SECRET_HEADER;
use gridline_server::outbox::store::{NewForwardTarget, TargetKind};
use gridline_server::station::store::NewStation;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, rust_files};

#[tokio::test]
async fn sqlite() {
    let app = spawn(Db::Sqlite).await.unwrap();
    every_caller_gets_what_the_table_says(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn postgres() {
    let Some(app) = spawn(Db::Postgres).await else {
        return;
    };
    every_caller_gets_what_the_table_says(&app).await;
    app.stop().await;
}

async fn spawn(db: Db) -> Option<TestApp> {
    TestApp::spawn_with(db, |config| {
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        // The followers' push endpoints are on this machine (nothing listens there).
        config.push_allow_loopback = true;
        config.telephony_secret = Some(TELEPHONY_SECRET.into());
    })
    .await
}

/// Defines [`Who`] and [`EVERYONE`], every caller in the order they call, from one list.
macro_rules! callers {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Who calls.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Who {
            $($(#[$doc])* $name,)*
        }

        const EVERYONE: &[Who] = &[$(Who::$name,)*];
    };
}

callers! {
    Anonymous,
    /// The resident who filed the ticket, from the same phone (its device secret).
    Resident,
    /// Another system filing through Open311, with its api_key.
    Partner,
    /// A dispatch system the unit's tickets are forwarded to, signing its reports.
    DispatchSystem,
    /// The hotline's telephone system, signing its calls with the telephony secret.
    TelephoneSystem,
    /// The police (110) system, signing its hand-overs with its target's secret.
    PoliceSystem,
    /// An enrolled tablet of station QS-01 (the ticket's community).
    Tablet,
    /// An enrolled tablet of station QS-02 (another community).
    OtherTablet,
    RevokedTablet,
    /// A grid worker of the ticket's community.
    Worker,
    /// A grid worker of another street's grids.
    OtherWorker,
    /// A staff member with the station role.
    StationStaff,
    /// A handler of U-CM, the unit the ticket is routed to.
    Handler,
    /// A handler of U-TR, another unit.
    OtherHandler,
    Dispatcher,
    Supervisor,
    Admin,
    /// A hotline operator (话务员).
    Operator,
}

use Who::*;

/// Callers without a staff session.
const NOT_STAFF: [Who; 9] = [
    Anonymous,
    Resident,
    Partner,
    DispatchSystem,
    TelephoneSystem,
    PoliceSystem,
    Tablet,
    OtherTablet,
    RevokedTablet,
];

/// Who may see a ticket whole: the staff who handle it.
const HANDLE_TICKET: [Who; 4] = [Handler, Dispatcher, Supervisor, Admin];
const STATS: [Who; 3] = [Dispatcher, Supervisor, Admin];
const WORKERS: [Who; 2] = [Worker, OtherWorker];
const TABLETS: [Who; 2] = [Tablet, OtherTablet];

/// The status each caller gets, indexed by `Who as usize`.
#[derive(Clone)]
struct Expect([u16; EVERYONE.len()]);

impl Expect {
    /// Everyone gets `status`.
    fn all(status: u16) -> Expect {
        Expect([status; EVERYONE.len()])
    }

    /// A staff endpoint: `roles` get `ok`, other staff 403, nobody signed in 401.
    fn staff(roles: &[Who], ok: u16) -> Expect {
        Expect::all(403).but(&NOT_STAFF, 401).but(roles, ok)
    }

    /// A ticket that must be proven: `who` get `ok`, everyone else the 404 of an
    /// unknown ticket.
    fn proven(who: &[Who], ok: u16) -> Expect {
        Expect::all(404).but(who, ok)
    }

    fn but(mut self, who: &[Who], status: u16) -> Expect {
        for w in who {
            self.0[*w as usize] = status;
        }
        self
    }

    fn of(&self, who: Who) -> u16 {
        self.0[who as usize]
    }
}

/// One call: the route it exercises (as the router names it), the path and body it
/// sends, and what each caller gets. In the body and path, `{who}` becomes the caller's
/// name (for what must differ per caller: client ids, usernames, endpoints).
struct Row {
    method: Method,
    route: &'static str,
    path: String,
    body: Body,
    expect: Expect,
}

#[derive(Clone)]
enum Body {
    None,
    Json(Value),
    Bytes(&'static [u8]),
    Form(&'static str),
}

fn get(route: &'static str, path: impl Into<String>, expect: Expect) -> Row {
    Row {
        method: Method::GET,
        route,
        path: path.into(),
        body: Body::None,
        expect,
    }
}

fn post(route: &'static str, path: impl Into<String>, body: Body, expect: Expect) -> Row {
    Row {
        method: Method::POST,
        route,
        path: path.into(),
        body,
        expect,
    }
}

fn with_body(
    method: Method,
    route: &'static str,
    path: impl Into<String>,
    body: Body,
    expect: Expect,
) -> Row {
    Row {
        method,
        route,
        path: path.into(),
        body,
        expect,
    }
}

/// What the table refers to: made before the calls.
struct World {
    /// The resident's ticket (routed to U-CM, in 青松 grid 2), with a photo.
    code: String,
    photo: String,
    /// Another U-CM ticket, which the dispatch system reports on.
    forwarded: String,
    /// A third one, merged into `forwarded` by the first caller allowed.
    duplicate: String,
    /// One of these tickets as the public Open311 list names it (an opaque id).
    open311_id: String,
    /// A token of a request filed through Open311.
    open311_token: String,
    /// A tablet the admin revokes in the table.
    spare_tablet: i64,
    /// The Open311 partner's api_key.
    partner_key: String,
}

const PHOTO: &[u8] = include_bytes!("../fixtures/photo.jpg");
const RESIDENT_DEVICE: &str = "authz-resident-phone-01";
const FORWARD_SECRET: &str = "authz-dispatch-secret";
const TELEPHONY_SECRET: &str = "authz-telephony-secret";
const POLICE_SECRET: &str = "authz-police-secret";
const PHONE: &str = "13812345678";
/// A street light out, as an Open311 partner files it (form-encoded).
const OPEN311_FILING: &str =
    "service_code=0201&lat=36.069&long=120.41&description=%E8%B7%AF%E7%81%AF";

fn rows(w: &World) -> Vec<Row> {
    let t = format!("/api/v1/tickets/{}", w.code);
    let complaint = json!({
        "client_id": "authz-{who}",
        "matter_code": "0201", "description": "路灯不亮",
        "lon": 120.41, "lat": 36.069, "contact_phone": "13800002222"
    });
    let push = json!({"endpoint": "http://127.0.0.1:9/push/{who}",
        "keys": {"p256dh": P256DH, "auth": "AAAAAAAAAAAAAAAAAAAAAA"}});
    let mut rows = vec![
        get("GET /healthz", "/healthz", Expect::all(200)),
        get(
            "GET /api/openapi.json",
            "/api/openapi.json",
            Expect::all(200),
        ),
        // Sign-in: a wrong password is a wrong password, whoever asks.
        post(
            "POST /api/v1/auth/login",
            "/api/v1/auth/login",
            Body::Json(json!({"username": "nobody-{who}", "password": "wrong password"})),
            Expect::all(401),
        ),
        get(
            "GET /api/v1/auth/me",
            "/api/v1/auth/me",
            Expect::all(200).but(&NOT_STAFF, 401),
        ),
        // Reference data is public.
        get(
            "GET /api/v1/catalogue",
            "/api/v1/catalogue",
            Expect::all(200),
        ),
        get(
            "GET /api/v1/catalogue/common",
            "/api/v1/catalogue/common",
            Expect::all(200),
        ),
        get("GET /api/v1/regions", "/api/v1/regions", Expect::all(200)),
        get(
            "GET /api/v1/regions/{code}/map",
            "/api/v1/regions/D01-S01-C01-G02/map",
            Expect::all(200),
        ),
        get("GET /api/v1/units", "/api/v1/units", Expect::all(200)),
        get("GET /api/v1/calendar", "/api/v1/calendar", Expect::all(200)),
        get(
            "GET /api/v1/locate",
            "/api/v1/locate?lon=120.41&lat=36.069",
            Expect::all(200),
        ),
        get(
            "GET /api/v1/route",
            "/api/v1/route?matter=0201&region=D01-S01-C01-G02",
            Expect::staff(&STATS, 200),
        ),
        // Anyone files; a staff member files as staff.
        post(
            "POST /api/v1/tickets",
            "/api/v1/tickets",
            Body::Json(complaint),
            Expect::all(201),
        ),
        get(
            "GET /api/v1/nearby",
            "/api/v1/nearby?matter_code=0201&lon=120.41&lat=36.069",
            Expect::all(200),
        ),
        // The ticket: whole for those who handle it, masked for the resident who
        // proves it, and for everyone else the same 404 as an unknown code.
        get(
            "GET /api/v1/tickets/{code}",
            &t,
            Expect::proven(&[Resident], 200).but(&HANDLE_TICKET, 200),
        ),
        get(
            "GET /api/v1/tickets/{code}/media/{id}",
            format!("{t}/media/{}", w.photo),
            Expect::proven(&[Resident], 200).but(&HANDLE_TICKET, 200),
        ),
        // A QR code of the tracking link is made for any well-formed code, and the
        // live stream streams alike for any code: neither tells a code exists.
        get(
            "GET /api/v1/tickets/{code}/qr.svg",
            format!("{t}/qr.svg"),
            Expect::all(200),
        ),
        get(
            "GET /api/v1/tickets/{code}/events",
            format!("{t}/events"),
            Expect::all(200),
        ),
        // Only the complainant rates (not yet: the ticket is not answered).
        post(
            "POST /api/v1/tickets/{code}/rating",
            format!("{t}/rating"),
            Body::Json(json!({"satisfaction": "satisfied"})),
            Expect::proven(&[Resident], 409),
        ),
        post(
            "POST /api/v1/tickets/{code}/actions",
            format!("{t}/actions"),
            Body::Json(json!({"action": "supervise", "note": "请加快办理"})),
            Expect::staff(&[Supervisor], 200),
        ),
        post(
            "POST /api/v1/tickets/{code}/tier",
            format!("{t}/tier"),
            Body::Json(json!({"tier_days": 7, "reason": "需协调"})),
            Expect::staff(&[Dispatcher, Admin], 200),
        ),
        // The dispatcher adds the co-unit; the admin, allowed too, finds it there.
        post(
            "POST /api/v1/tickets/{code}/co-units",
            format!("{t}/co-units"),
            Body::Json(json!({"unit_code": "U-HC"})),
            Expect::staff(&[Dispatcher], 200).but(&[Admin], 409),
        ),
        // Consultation: a dispatcher opens one inviting U-TR (the other handler's
        // unit); the invited see it and state their views; the dispatcher decides.
        post(
            "POST /api/v1/tickets/{code}/consultation",
            format!("{t}/consultation"),
            Body::Json(json!({"units": ["U-TR"], "note": "职责争议"})),
            Expect::staff(&[Dispatcher], 201).but(&[Supervisor], 409),
        ),
        get(
            "GET /api/v1/tickets/{code}/consultation",
            format!("{t}/consultation"),
            Expect::staff(&[Handler, OtherHandler, Dispatcher, Supervisor, Admin], 200),
        ),
        post(
            "POST /api/v1/tickets/{code}/consultation/views",
            format!("{t}/consultation/views"),
            Body::Json(json!({"note": "本单位意见"})),
            Expect::staff(&[Handler, OtherHandler], 200),
        ),
        post(
            "POST /api/v1/tickets/{code}/consultation/decision",
            format!("{t}/consultation/decision"),
            Body::Json(json!({"unit_code": "U-CM", "note": "仍由城管承办"})),
            Expect::staff(&[Dispatcher], 200),
        ),
        // The monthly topic: a supervisor opens it (the first, id 1) for U-CM with U-HC.
        get(
            "GET /api/v1/topics/suggestions",
            "/api/v1/topics/suggestions",
            Expect::staff(&STATS, 200),
        ),
        post(
            "POST /api/v1/topics",
            "/api/v1/topics",
            Body::Json(
                json!({"month": "2026-12", "title": "路灯不亮", "matter_code": "0201",
                "lead_unit_code": "U-CM", "unit_codes": ["U-HC"]}),
            ),
            Expect::staff(&[Supervisor], 201),
        ),
        get(
            "GET /api/v1/topics",
            "/api/v1/topics",
            Expect::staff(&[Handler, OtherHandler, Dispatcher, Supervisor, Admin], 200),
        ),
        get(
            "GET /api/v1/topics/{id}",
            "/api/v1/topics/1",
            Expect::staff(&[Handler, Dispatcher, Supervisor, Admin], 200),
        ),
        post(
            "POST /api/v1/topics/{id}/measures",
            "/api/v1/topics/1/measures",
            Body::Json(json!({"note": "排查全区路灯", "households": 120})),
            Expect::staff(&[Handler, Supervisor], 200),
        ),
        post(
            "POST /api/v1/topics/{id}/close",
            "/api/v1/topics/1/close",
            Body::Json(json!({"note": "已全部修复"})),
            Expect::staff(&[Supervisor], 200),
        ),
        // Advance notices (未诉先办) and preventive measures against them.
        get(
            "GET /api/v1/advance",
            "/api/v1/advance",
            Expect::staff(&[Handler, OtherHandler, Dispatcher, Supervisor, Admin], 200),
        ),
        post(
            "POST /api/v1/advance/measures",
            "/api/v1/advance/measures",
            Body::Json(json!({"matter_code": "0304", "street_code": "D01-S01",
                "week_from": "2026-12-07", "note": "提前检修供热管网"})),
            Expect::staff(&[Handler, OtherHandler, Supervisor], 201),
        ),
        // The knowledge base: read by staff, kept by admins and the owner unit (the demo's
        // entry 2 is U-CM's, entry 3 the water company's); suggestions for everyone;
        // enquiries recorded by those who answer the hotline.
        get(
            "GET /api/v1/knowledge",
            "/api/v1/knowledge",
            Expect::all(200).but(&NOT_STAFF, 401),
        ),
        post(
            "POST /api/v1/knowledge",
            "/api/v1/knowledge",
            Body::Json(json!({"question": "{who} 的问题", "answer": "解答",
                "owner_unit_code": "U-CM"})),
            Expect::staff(&[Handler, Admin], 201),
        ),
        with_body(
            Method::PUT,
            "PUT /api/v1/knowledge/{id}",
            "/api/v1/knowledge/2",
            Body::Json(
                json!({"question": "路灯不亮找谁", "answer": "城市管理局路灯所维护",
                "matter_codes": ["0201"], "owner_unit_code": "U-CM"}),
            ),
            Expect::staff(&[Handler, Admin], 200),
        ),
        with_body(
            Method::DELETE,
            "DELETE /api/v1/knowledge/{id}",
            "/api/v1/knowledge/3",
            Body::None,
            Expect::staff(&[Admin], 204),
        ),
        get(
            "GET /api/v1/suggest",
            "/api/v1/suggest?text=%E8%B7%AF%E7%81%AF",
            Expect::all(200),
        ),
        post(
            "POST /api/v1/enquiries",
            "/api/v1/enquiries",
            Body::Json(json!({"text": "路灯归谁管", "call_id": "{who}-call"})),
            Expect::staff(&[Dispatcher, Admin, Operator], 201),
        ),
        // The hotline: calls announced by the telephone system, signed; heard and listed
        // by the operator they ring; a caller's tickets for those who answer.
        post(
            "POST /api/v1/calls",
            "/api/v1/calls",
            Body::Json(json!({"call_id": "{who}-ring", "caller": "13900001234",
                "operator": "authz-operator"})),
            Expect::all(401).but(&[TelephoneSystem], 201),
        ),
        get(
            "GET /api/v1/calls",
            "/api/v1/calls",
            Expect::staff(&[Operator], 200),
        ),
        get(
            "GET /api/v1/calls/events",
            "/api/v1/calls/events",
            Expect::staff(&[Operator], 200),
        ),
        get(
            "GET /api/v1/callers/tickets",
            "/api/v1/callers/tickets?phone=13812345678",
            Expect::staff(&[Dispatcher, Admin, Operator], 200),
        ),
        get(
            "GET /api/v1/consultations",
            "/api/v1/consultations",
            Expect::staff(&[Handler, OtherHandler, Dispatcher, Supervisor, Admin], 200),
        ),
        get(
            "GET /api/v1/tickets/{code}/similar",
            format!("{t}/similar"),
            Expect::staff(&HANDLE_TICKET, 200),
        ),
        // The dispatcher merges; the supervisor and admin, allowed too, find it merged.
        post(
            "POST /api/v1/tickets/{code}/merge",
            format!("/api/v1/tickets/{}/merge", w.duplicate),
            Body::Json(json!({"into": w.forwarded})),
            Expect::staff(&[Dispatcher], 200).but(&[Supervisor, Admin], 409),
        ),
        get(
            "GET /api/v1/queue",
            "/api/v1/queue",
            Expect::staff(&[Handler, OtherHandler, Dispatcher, Supervisor, Admin], 200),
        ),
        get(
            "GET /api/v1/queue/events",
            "/api/v1/queue/events",
            Expect::staff(&[Handler, OtherHandler, Dispatcher, Supervisor, Admin], 200),
        ),
        // Uploads: the public names its device; a revoked tablet is told so.
        post(
            "POST /api/v1/media",
            "/api/v1/media",
            Body::Bytes(PHOTO),
            Expect::all(201)
                .but(
                    &[
                        Anonymous,
                        Partner,
                        DispatchSystem,
                        TelephoneSystem,
                        PoliceSystem,
                    ],
                    400,
                )
                .but(&[RevokedTablet], 403),
        ),
        // The field app's endpoints: grid workers only.
        post(
            "POST /api/v1/field/sync",
            "/api/v1/field/sync",
            Body::Json(json!({"device_id": "authz-{who}", "records": []})),
            Expect::staff(&WORKERS, 200),
        ),
        get(
            "GET /api/v1/field/records",
            "/api/v1/field/records",
            Expect::staff(&WORKERS, 200),
        ),
        get(
            "GET /api/v1/field/grids",
            "/api/v1/field/grids",
            Expect::staff(&WORKERS, 200),
        ),
        get(
            "GET /api/v1/field/tickets",
            "/api/v1/field/tickets",
            Expect::staff(&WORKERS, 200),
        ),
        // Station tablets: by their device token, not a staff session. Whatever is not
        // a live tablet is told it is not one (403 device_revoked: the app shows the
        // enrollment screen), before the body is read.
        post(
            "POST /api/v1/station/enroll",
            "/api/v1/station/enroll",
            Body::Json(json!({"code": "NOT-A-CODE-{who}", "label": "x"})),
            Expect::all(404),
        ),
        get(
            "GET /api/v1/station/device",
            "/api/v1/station/device",
            Expect::all(403).but(&TABLETS, 200),
        ),
        get(
            "GET /api/v1/station/filings",
            "/api/v1/station/filings",
            Expect::all(403).but(&TABLETS, 200),
        ),
        post(
            "POST /api/v1/station/filings",
            "/api/v1/station/filings",
            Body::Json(json!({"client_id": "authz-{who}", "sealed": "not sealed"})),
            Expect::all(403).but(&TABLETS, 422),
        ),
        post(
            "POST /api/v1/stations/{code}/enrollments",
            "/api/v1/stations/QS-01/enrollments",
            Body::Json(json!({})),
            Expect::staff(&[Admin], 201),
        ),
        get(
            "GET /api/v1/stations/devices",
            "/api/v1/stations/devices",
            Expect::staff(&[Admin], 200),
        ),
        post(
            "POST /api/v1/stations/devices/{id}/revoke",
            format!("/api/v1/stations/devices/{}/revoke", w.spare_tablet),
            Body::Json(json!({})),
            Expect::staff(&[Admin], 204),
        ),
        // Deliveries that failed for good: admins only.
        get(
            "GET /api/v1/outbox/dead",
            "/api/v1/outbox/dead",
            Expect::staff(&[Admin], 200),
        ),
        post(
            "POST /api/v1/outbox/{id}/requeue",
            "/api/v1/outbox/999999/requeue",
            Body::Json(json!({})),
            Expect::staff(&[Admin], 404),
        ),
        // A dispatch system's report counts only when signed with its secret.
        post(
            "POST /api/v1/forwarding/{target}/progress",
            "/api/v1/forwarding/city-management/progress",
            Body::Json(json!({"tracking_code": w.forwarded, "action": "accept",
                "note": "已受理"})),
            Expect::all(401).but(&[DispatchSystem], 200),
        ),
        // The police system hands tickets over, signed with its own secret.
        post(
            "POST /api/v1/forwarding/{target}/tickets",
            "/api/v1/forwarding/city-110/tickets",
            Body::Json(
                json!({"matter_code": "0201", "description": "报警人称路灯不亮",
                "region_code": "D01-S01-C01-G02"}),
            ),
            Expect::all(401).but(&[PoliceSystem], 201),
        ),
        // Push: the key is public; following a ticket needs its proof; the queue's
        // notifications are for staff.
        get("GET /api/v1/push/key", "/api/v1/push/key", Expect::all(200)),
        // The page a text links to is the app's shell for anyone; the status is painted
        // in only with the link's own token (tests/api/track_page.rs).
        get(
            "GET /track/{code}",
            format!("/track/{}?k=AAAAAAAAAAAAAAAA", w.code),
            Expect::all(200),
        ),
        post(
            "POST /api/v1/push/subscriptions",
            "/api/v1/push/subscriptions",
            Body::Json(json!({"subscription": push, "tracking_code": w.code})),
            Expect::proven(&[Resident], 201),
        ),
        post(
            "POST /api/v1/push/staff",
            "/api/v1/push/staff",
            Body::Json(json!({"subscription": push})),
            Expect::all(201).but(&NOT_STAFF, 401),
        ),
        // Open311: the public reads services and requests under opaque ids; a partner's
        // api_key files and reads tracking codes.
        get(
            "GET /open311/v2/{file}",
            "/open311/v2/discovery.json",
            Expect::all(200),
        ),
        get(
            "GET /open311/v2/{file}",
            "/open311/v2/services.json",
            Expect::all(200),
        ),
        get(
            "GET /open311/v2/services/{file}",
            "/open311/v2/services/0201.json",
            Expect::all(200),
        ),
        get(
            "GET /open311/v2/{file}",
            "/open311/v2/requests.json",
            Expect::all(200),
        ),
        get(
            "GET /open311/v2/requests/{file}",
            format!("/open311/v2/requests/{}.json", w.open311_id),
            Expect::all(200),
        ),
        get(
            "GET /open311/v2/requests/{file}",
            format!("/open311/v2/requests/{}.json", w.code),
            Expect::all(404).but(&[Partner], 200),
        ),
        get(
            "GET /open311/v2/tokens/{file}",
            format!("/open311/v2/tokens/{}.json", w.open311_token),
            Expect::all(200),
        ),
        post(
            "POST /open311/v2/{file}",
            "/open311/v2/requests.json",
            Body::Form(OPEN311_FILING),
            Expect::all(403).but(&[Partner], 201),
        ),
    ];
    for (route, path) in [
        ("GET /api/v1/stats/rates", "/api/v1/stats/rates"),
        ("GET /api/v1/stats/ranking", "/api/v1/stats/ranking"),
        ("GET /api/v1/stats/trend", "/api/v1/stats/trend"),
        ("GET /api/v1/stats/tickets", "/api/v1/stats/tickets"),
        ("GET /api/v1/stats/hotspots", "/api/v1/stats/hotspots"),
        ("GET /api/v1/stats/report", "/api/v1/stats/report"),
        ("GET /api/v1/stats/report.csv", "/api/v1/stats/report.csv"),
    ] {
        rows.push(get(route, path, Expect::staff(&STATS, 200)));
    }
    // Last: signing out ends each caller's session.
    rows.push(post(
        "POST /api/v1/auth/logout",
        "/api/v1/auth/logout",
        Body::None,
        Expect::all(204),
    ));
    rows
}

/// A P-256 public key as a browser's subscription carries it (uncompressed point).
const P256DH: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";

/// The `(method, route)` pairs the server routes, read from every `.route(` under `server/src/`: each
/// `.route("PATH", get(..).post(..))` under the prefix its file is mounted at.
fn routed() -> BTreeSet<String> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeSet::new();
    for path in rust_files(&src) {
        let file = path
            .strip_prefix(&src)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let prefix = match file.as_str() {
            // The app shell's pages, not the API.
            "http/web.rs" => continue,
            "http/health.rs" | "http/mod.rs" => "",
            "http/api.rs" => "/api",
            "open311/routes.rs" => "/open311/v2",
            _ => "/api/v1",
        };
        let source = std::fs::read_to_string(&path).unwrap();
        for (at, _) in source.match_indices(".route(") {
            let call = &source[at + ".route(".len()..];
            // The call's arguments, up to its closing parenthesis.
            let mut depth = 1;
            let end = call
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap();
            let call = &call[..end];
            let Some(route) = call.split('"').nth(1) else {
                continue;
            };
            let handlers = &call[call.find(',').unwrap()..];
            for method in ["get", "post", "put", "patch", "delete"] {
                let calls_it = handlers.match_indices(method).any(|(i, _)| {
                    handlers[i + method.len()..].starts_with('(')
                        && !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if calls_it {
                    found.insert(format!("{} {prefix}{route}", method.to_uppercase()));
                }
            }
        }
    }
    found
}

/// One caller: its own cookies, address and credentials.
struct Caller {
    who: Who,
    client: reqwest::Client,
    address: String,
    csrf: Option<String>,
    tablet: Option<String>,
}

impl Caller {
    fn name(&self) -> String {
        format!("{:?}", self.who).to_lowercase()
    }

    async fn call(&self, app: &TestApp, w: &World, row: &Row) -> u16 {
        let name = self.name();
        let mut path = row.path.replace("{who}", &name);
        if self.who == Partner && path.starts_with("/open311/") {
            let key = &w.partner_key;
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(&format!("api_key={key}"));
        }
        let mut request = self
            .client
            .request(row.method.clone(), app.url(&path))
            .header("x-forwarded-for", &self.address);
        if let Some(token) = &self.csrf
            && row.method != Method::GET
        {
            request = request.header(gridline_core::api::auth::CSRF_HEADER, token);
        }
        if let Some(token) = &self.tablet {
            request = request.header(DEVICE_HEADER, token);
        }
        if self.who == Resident {
            request = request.header(DEVICE_SECRET_HEADER, RESIDENT_DEVICE);
        }
        let body = match &row.body {
            Body::None => None,
            Body::Json(value) => {
                let text = value.to_string().replace("{who}", &name);
                request = request.header("content-type", "application/json");
                Some(text.into_bytes())
            }
            Body::Bytes(bytes) => Some(bytes.to_vec()),
            Body::Form(form) => {
                request = request.header("content-type", "application/x-www-form-urlencoded");
                Some(form.as_bytes().to_vec())
            }
        };
        // Other systems sign their requests: a dispatch system its reports, the
        // telephone system its calls.
        let secret = match self.who {
            DispatchSystem if path.starts_with("/api/v1/forwarding/") => Some(FORWARD_SECRET),
            PoliceSystem if path.starts_with("/api/v1/forwarding/") => Some(POLICE_SECRET),
            TelephoneSystem if path == "/api/v1/calls" => Some(TELEPHONY_SECRET),
            _ => None,
        };
        if let Some(secret) = secret {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let text = String::from_utf8(body.clone().unwrap_or_default()).unwrap();
            request = request
                .header(
                    gridline_server::outbox::webhook::TIMESTAMP_HEADER,
                    now.to_string(),
                )
                .header(
                    gridline_server::outbox::webhook::SIGNATURE_HEADER,
                    gridline_server::outbox::webhook::sign(secret, now, &text),
                );
        }
        if path.starts_with("/api/v1/forwarding/") {
            let key = if self.who == DispatchSystem {
                format!("authz-{}", row.route)
            } else {
                format!("authz-{name}")
            };
            request = request.header("idempotency-key", key);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        // The status is all that is read (a live stream is dropped at once).
        request.send().await.unwrap().status().as_u16()
    }
}

async fn every_caller_gets_what_the_table_says(app: &TestApp) {
    let (world, callers) = setup(app).await;
    let rows = rows(&world);

    // Every routed endpoint has a row, and every row names a routed endpoint.
    let covered: BTreeSet<String> = rows
        .iter()
        .map(|r| {
            assert!(
                r.route.starts_with(&format!("{} ", r.method)),
                "row {} has method {}",
                r.route,
                r.method
            );
            r.route.to_owned()
        })
        .collect();
    let routed = routed();
    assert!(
        routed.len() >= 50,
        "the route scan found too few: {routed:?}"
    );
    let missing: Vec<_> = routed.difference(&covered).collect();
    assert!(missing.is_empty(), "endpoints without a row: {missing:?}");
    let stale: Vec<_> = covered.difference(&routed).collect();
    assert!(stale.is_empty(), "rows for no endpoint: {stale:?}");

    let mut wrong = Vec::new();
    for row in &rows {
        for caller in &callers {
            let got = caller.call(app, &world, row).await;
            let expected = row.expect.of(caller.who);
            if got != expected {
                wrong.push(format!(
                    "{:?} {} {}: got {got}, expected {expected}",
                    caller.who, row.method, row.path
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // The OpenAPI document lists every JSON API endpoint, and every status the table
    // expects of it (so a client generated from it knows each answer).
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let mut undocumented = BTreeSet::new();
    for row in &rows {
        let path = row.route.split_once(' ').unwrap().1;
        if !(path.starts_with("/api/v1/") || path == "/healthz") {
            continue;
        }
        let operation = &doc["paths"][path][row.method.as_str().to_lowercase()];
        if operation.is_null() {
            undocumented.insert(format!("{}: not in the document", row.route));
            continue;
        }
        for &who in EVERYONE {
            let status = row.expect.of(who).to_string();
            if operation["responses"][&status].is_null() {
                undocumented.insert(format!("{}: {status}", row.route));
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "answers the OpenAPI document does not list:\n{}",
        undocumented.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// The reference data, the stations and tablets, the staff, the tickets, and one
/// caller per [`Who`].
async fn setup(app: &TestApp) -> (World, Vec<Caller>) {
    let store = app.store.as_ref();
    gridline_server::catalogue::demo::load_reference_data(store)
        .await
        .unwrap();
    for (code, community) in [("QS-01", "D01-S01-C01"), ("QS-02", "D01-S01-C02")] {
        store
            .upsert_station(&NewStation {
                code: code.into(),
                name_zh: format!("驿站 {code}"),
                name_en: format!("Station {code}"),
                community_code: community.into(),
            })
            .await
            .unwrap();
    }
    store
        .add_forward_target(&NewForwardTarget {
            name: "city-management".into(),
            // Nothing listens there: deliveries fail and wait, which is no matter here.
            url: "http://127.0.0.1:9/hook".into(),
            secret: FORWARD_SECRET.into(),
            unit_code: Some("U-CM".into()),
            matter_code: None,
            kind: TargetKind::Webhook,
            jurisdiction_id: None,
            service_code: None,
        })
        .await
        .unwrap();
    store
        .add_forward_target(&NewForwardTarget {
            name: "city-110".into(),
            url: "http://127.0.0.1:9/110".into(),
            secret: POLICE_SECRET.into(),
            unit_code: None,
            matter_code: None,
            kind: TargetKind::Police,
            jurisdiction_id: None,
            service_code: None,
        })
        .await
        .unwrap();
    let (key, hash) = gridline_server::auth::new_session_token();
    store.add_open311_key("authz-partner", &hash).await.unwrap();

    let mut callers = Vec::new();
    for (i, &who) in EVERYONE.iter().enumerate() {
        callers.push(Caller {
            who,
            client: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            address: format!("198.51.100.{}", i + 1),
            csrf: None,
            tablet: None,
        });
    }

    // Staff: each signs in on its own client.
    let role_of = |who: Who| match who {
        Worker | OtherWorker => Some(Role::GridWorker),
        StationStaff => Some(Role::Station),
        Handler | OtherHandler => Some(Role::UnitHandler),
        Dispatcher => Some(Role::Dispatcher),
        Supervisor => Some(Role::Supervisor),
        Admin => Some(Role::Admin),
        Operator => Some(Role::HotlineOperator),
        _ => None,
    };
    for caller in &mut callers {
        let Some(role) = role_of(caller.who) else {
            continue;
        };
        let username = format!("authz-{}", caller.name());
        let id = store
            .create_staff(&gridline_server::auth::store::NewStaff {
                username: username.clone(),
                display_name: username.clone(),
                password_hash: gridline_server::auth::hash_password("a test password").unwrap(),
                roles: vec![role],
            })
            .await
            .unwrap();
        match caller.who {
            Worker => store.add_staff_grid(id, "D01-S01-C01").await.unwrap(),
            OtherWorker => store.add_staff_grid(id, "D01-S02-C01").await.unwrap(),
            Handler => store.add_staff_unit(id, "U-CM").await.unwrap(),
            OtherHandler => store.add_staff_unit(id, "U-TR").await.unwrap(),
            _ => {}
        }
        let response = caller
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", &caller.address)
            .json(&json!({"username": username, "password": "a test password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{:?} signs in", caller.who);
        let session: gridline_core::api::auth::SessionResponse = response.json().await.unwrap();
        caller.csrf = Some(session.csrf_token);
    }
    let admin = callers.iter().find(|c| c.who == Admin).unwrap();
    let admin_post = async |path: &str, body: Value| {
        admin
            .client
            .post(app.url(path))
            .header("x-forwarded-for", &admin.address)
            .header(
                gridline_core::api::auth::CSRF_HEADER,
                admin.csrf.clone().unwrap(),
            )
            .json(&body)
            .send()
            .await
            .unwrap()
    };

    // Tablets: enrolled with codes the admin issues; one revoked, one spare.
    let mut tokens = Vec::new();
    for (station, label) in [
        ("QS-01", "authz-tablet"),
        ("QS-02", "authz-other"),
        ("QS-01", "authz-revoked"),
        ("QS-01", "authz-spare"),
    ] {
        let issued: Value = admin_post(
            &format!("/api/v1/stations/{station}/enrollments"),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
        let enrolled = reqwest::Client::new()
            .post(app.url("/api/v1/station/enroll"))
            .header("x-forwarded-for", "198.51.100.200")
            .json(&json!({"code": issued["code"], "label": label}))
            .send()
            .await
            .unwrap();
        assert_eq!(enrolled.status(), 201, "enroll {label}");
        let enrolled: EnrolledResponse = enrolled.json().await.unwrap();
        tokens.push(enrolled.device_token);
    }
    let devices: StationDevicesResponse = admin
        .client
        .get(app.url("/api/v1/stations/devices"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let device = |label: &str| {
        devices
            .devices
            .iter()
            .find(|d| d.label == label)
            .unwrap()
            .id
    };
    let revoked = admin_post(
        &format!(
            "/api/v1/stations/devices/{}/revoke",
            device("authz-revoked")
        ),
        json!({}),
    )
    .await;
    assert_eq!(revoked.status(), 204);
    for caller in &mut callers {
        caller.tablet = match caller.who {
            Tablet => Some(tokens[0].clone()),
            OtherTablet => Some(tokens[1].clone()),
            RevokedTablet => Some(tokens[2].clone()),
            _ => None,
        };
    }

    // The resident's ticket, with a photo from the same phone, and two more.
    let resident = reqwest::Client::new();
    let photo: Value = resident
        .post(app.url("/api/v1/media"))
        .header(DEVICE_SECRET_HEADER, RESIDENT_DEVICE)
        .header("x-forwarded-for", "198.51.100.201")
        .body(PHOTO)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let photo = photo["id"].as_str().unwrap().to_owned();
    let mut codes = Vec::new();
    for (i, media) in [vec![photo.clone()], vec![], vec![]]
        .into_iter()
        .enumerate()
    {
        let filed = resident
            .post(app.url("/api/v1/tickets"))
            .header("x-forwarded-for", "198.51.100.201")
            .json(&json!({
                "client_id": format!("authz-ticket-{i}"),
                "matter_code": "0201", "description": "路灯不亮",
                "lon": 120.41, "lat": 36.069, "contact_phone": PHONE,
                "device_secret": RESIDENT_DEVICE, "media": media,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(filed.status(), 201);
        let filed: Value = filed.json().await.unwrap();
        codes.push(filed["tracking_code"].as_str().unwrap().to_owned());
    }

    // The public Open311 list names the tickets by opaque ids.
    let public: Value = reqwest::Client::new()
        .get(app.url("/open311/v2/requests.json"))
        .header("x-forwarded-for", "198.51.100.202")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let requests = public.as_array().unwrap();
    assert!(!requests.is_empty());
    let open311_id = requests[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!codes.contains(&open311_id), "opaque ids, not codes");
    let filed: Value = reqwest::Client::new()
        .post(app.url(&format!("/open311/v2/requests.json?api_key={key}")))
        .header("x-forwarded-for", "198.51.100.203")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(OPEN311_FILING)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let open311_token = filed[0]["token"].as_str().unwrap().to_owned();

    let world = World {
        code: codes[0].clone(),
        photo,
        forwarded: codes[1].clone(),
        duplicate: codes[2].clone(),
        open311_id,
        open311_token,
        spare_tablet: device("authz-spare"),
        partner_key: key,
    };
    (world, callers)
}
