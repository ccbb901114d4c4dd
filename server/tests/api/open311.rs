//! The Open311 GeoReport v2 server at /open311/v2/: every document validates against
//! the GeoReport v2 schemas (tests/fixtures/open311), XML says what JSON says, the
//! spec's example requests round-trip, and bad requests get the spec's errors.

use gridline_core::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, act, load_demo, sign_in_as};

const SCHEMAS: &str = include_str!("../fixtures/open311/georeport-v2.schema.json");

/// Checks `doc` against the schema's definition `name`; panics with every error.
fn assert_valid(name: &str, doc: &Value) {
    let errors = schema_errors(name, doc);
    assert!(
        errors.is_empty(),
        "{name} is not valid: {errors:#?}\n{doc:#}"
    );
}

fn schema_errors(name: &str, doc: &Value) -> Vec<String> {
    let mut schema: Value = serde_json::from_str(SCHEMAS).unwrap();
    schema["$ref"] = json!(format!("#/definitions/{name}"));
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator.iter_errors(doc).map(|e| e.to_string()).collect()
}

async fn get(app: &TestApp, path: &str) -> (u16, String, String) {
    let response = reqwest::get(app.url(path)).await.unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

/// GETs `path` (ending in `.json`) and its `.xml` twin; checks the JSON against the
/// schema and returns both.
async fn both_formats(
    app: &TestApp,
    path: &str,
    schema: &str,
) -> (u16, Value, roxmltree::Document<'static>) {
    let (status, kind, body) = get(app, path).await;
    assert!(kind.starts_with("application/json"), "{path}: {kind}");
    let value: Value =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    assert_valid(schema, &value);
    let xml_path = path.replacen(".json", ".xml", 1);
    let (xml_status, kind, xml) = get(app, &xml_path).await;
    assert_eq!(xml_status, status, "{xml_path}");
    assert!(kind.starts_with("text/xml"), "{xml_path}: {kind}");
    let xml: &'static str = Box::leak(xml.into_boxed_str());
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{xml_path}: {e}: {xml}"));
    (status, value, doc)
}

/// The text of each `<item>` child's `<field>` under the root.
fn xml_fields(doc: &roxmltree::Document<'_>, item: &str, field: &str) -> Vec<String> {
    doc.root_element()
        .children()
        .filter(|n| n.has_tag_name(item))
        .map(|n| {
            n.children()
                .find(|c| c.has_tag_name(field))
                .and_then(|c| c.text())
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

async fn post_raw(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let (status, body) = post_raw(app, path, form).await;
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")),
    )
}

fn assert_error(status: u16, body: &Value, expected: u16, says: &str) {
    assert_eq!(status, expected, "{body}");
    assert_valid("errors", body);
    assert_eq!(body[0]["code"], expected);
    let description = body[0]["description"].as_str().unwrap();
    assert!(
        description.contains(says),
        "{description:?} should say {says:?}"
    );
}

async fn new_key(app: &TestApp, name: &str) -> String {
    let (key, hash) = gridline_server::auth::new_session_token();
    app.store.add_open311_key(name, &hash).await.unwrap();
    key
}

/// The spec's example POST (wiki.open311.org/GeoReport_v2#POST_Service_Request), with
/// a service code of ours.
fn spec_example(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("api_key", key),
        ("jurisdiction_id", "city.gov"),
        ("service_code", "0201"),
        ("lat", "37.76524078"),
        ("long", "-122.4212043"),
        ("address_string", "1234 5th street"),
        ("email", "smith@domain.com"),
        ("device_id", "tt222111"),
        ("account_id", "123456"),
        ("first_name", "john"),
        ("last_name", "smith"),
        ("phone", "111111111"),
        ("description", "A large sinkhole is destroying the street"),
        (
            "media_url",
            "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
        ),
        ("attribute[WHISPAWN]", "123456"),
        ("attribute[WHISDORN]", "COISL001"),
    ]
}

async fn discovery_and_services(app: &TestApp) {
    load_demo(app).await;
    let (status, value, xml) = both_formats(app, "/open311/v2/discovery.json", "discovery").await;
    assert_eq!(status, 200);
    assert!(
        value["endpoints"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/open311/v2")
    );
    assert_eq!(xml.root_element().tag_name().name(), "discovery");

    let (status, services, xml) = both_formats(app, "/open311/v2/services.json", "services").await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"0201"), "{codes:?}");
    // Categories are groups, not services.
    assert!(!codes.contains(&"02"), "{codes:?}");
    let lamp = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "0201")
        .unwrap();
    assert_eq!(lamp["type"], "realtime");
    assert!(lamp["group"].is_string());
    assert_eq!(xml.root_element().tag_name().name(), "services");
    assert_eq!(xml_fields(&xml, "service", "service_code"), codes);
    // English names on request (an extension).
    let (_, english, _) =
        both_formats(app, "/open311/v2/services.json?locale=en", "services").await;
    let english_lamp = english
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "0201")
        .unwrap();
    assert_ne!(english_lamp["service_name"], lamp["service_name"]);

    let (status, definition, xml) =
        both_formats(app, "/open311/v2/services/0201.json", "service_definition").await;
    assert_eq!(status, 200);
    let grid = &definition["attributes"][0];
    assert_eq!(grid["code"], "grid");
    assert_eq!(grid["datatype"], "singlevaluelist");
    assert!(
        grid["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["key"] == "D01-S01-C01-G01"),
        "{grid}"
    );
    assert_eq!(xml.root_element().tag_name().name(), "service_definition");
    let xml_keys = xml
        .descendants()
        .filter(|n| n.has_tag_name("value"))
        .count();
    assert_eq!(xml_keys, grid["values"].as_array().unwrap().len());

    let (status, missing, xml) =
        both_formats(app, "/open311/v2/services/7777.json", "errors").await;
    assert_error(status, &missing, 404, "service_code not found");
    assert_eq!(xml_fields(&xml, "error", "code"), ["404"]);
    let (status, _, body) = get(app, "/open311/v2/services.html").await;
    assert_eq!(status, 404, "{body}");
    let (status, _, body) = get(app, "/open311/v2/nothing.json").await;
    assert_error(
        status,
        &serde_json::from_str(&body).unwrap(),
        404,
        "no such",
    );
}

async fn the_spec_example_round_trips(app: &TestApp) {
    load_demo(app).await;
    let key = new_key(app, "city-app").await;
    let (status, created) = post(app, "/open311/v2/requests.json", &spec_example(&key)).await;
    assert_eq!(status, 201, "{created}");
    assert_valid("post_response", &created);
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = created[0]["token"].as_str().unwrap().to_owned();

    // A partner (with its key) reads back what it sent.
    let path = format!("/open311/v2/requests/{id}.json?api_key={key}");
    let (status, value, xml) = both_formats(app, &path, "requests").await;
    assert_eq!(status, 200);
    let request = &value[0];
    assert_eq!(request["service_request_id"], id.as_str());
    assert_eq!(request["service_code"], "0201");
    assert_eq!(request["status"], "open");
    assert_eq!(request["address"], "1234 5th street");
    assert_eq!(request["lat"], 37.76524078);
    assert_eq!(request["long"], -122.4212043);
    let description = request["description"].as_str().unwrap();
    assert!(description.starts_with("A large sinkhole is destroying the street"));
    assert!(
        description.contains("2212426634_5ed477a060.jpg"),
        "{description}"
    );
    // Far from every grid: waiting for a dispatcher, no agency yet.
    assert!(request["agency_responsible"].is_null());
    assert_eq!(
        request["extended_attributes"]["detailed_status"],
        "received"
    );
    assert_eq!(
        xml_fields(&xml, "request", "service_request_id"),
        [id.as_str()]
    );
    assert_eq!(xml_fields(&xml, "request", "address"), ["1234 5th street"]);

    // Anyone else: no words, no address, the position to about 100 m; never the
    // complainant's name or phone, for anyone.
    // Without a key the tracking code opens nothing (a 404 like an unknown id): the
    // public names the request by an opaque id, which opens only this public view.
    let (status, missing, _) =
        both_formats(app, &format!("/open311/v2/requests/{id}.json"), "errors").await;
    assert_error(status, &missing, 404, "service_request_id not found");
    let row = app.store.ticket_by_code(&id).await.unwrap().unwrap().id;
    let public_id = format!("r_{row}");
    let (_, public, _) = both_formats(
        app,
        &format!("/open311/v2/requests/{public_id}.json"),
        "requests",
    )
    .await;
    assert_eq!(public[0]["service_request_id"], public_id.as_str());
    assert!(
        !public.to_string().contains(&id),
        "no tracking code in {public}"
    );
    let (_, listed, _) = both_formats(app, "/open311/v2/requests.json", "requests").await;
    assert!(
        !listed.to_string().contains(&id),
        "no tracking code in {listed}"
    );
    assert!(public[0]["description"].is_null());
    assert!(public[0]["address"].is_null());
    assert_eq!(public[0]["lat"], 37.765);
    for body in [value.to_string(), public.to_string()] {
        for personal in ["john", "smith", "111111111"] {
            assert!(!body.contains(personal), "{personal} in {body}");
        }
    }
    // The complainant's contact is on the ticket for the unit.
    let ticket = app.store.ticket_by_code(&id).await.unwrap().unwrap();
    assert_eq!(ticket.contact_name.as_deref(), Some("john smith"));
    assert_eq!(ticket.contact_phone.as_deref(), Some("111111111"));
    assert_eq!(ticket.channel.as_str(), "open311");

    // The token resolves to the request.
    let (status, resolved, xml) = both_formats(
        app,
        &format!("/open311/v2/tokens/{token}.json"),
        "token_response",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(resolved[0]["service_request_id"], id.as_str());
    assert_eq!(xml_fields(&xml, "request", "token"), [token.as_str()]);
    let (status, missing, _) = both_formats(
        app,
        &format!("/open311/v2/tokens/{}.json", "0".repeat(32)),
        "errors",
    )
    .await;
    assert_error(status, &missing, 404, "token not found");
    let (status, missing, _) = both_formats(app, "/open311/v2/requests/NOPE.json", "errors").await;
    assert_error(status, &missing, 404, "service_request_id not found");

    // The spec's example list query: a window of 2010 holds nothing of ours.
    let (status, old, xml) = both_formats(
        app,
        "/open311/v2/requests.json?start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open",
        "requests",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(old, json!([]));
    assert_eq!(xml.root_element().tag_name().name(), "service_requests");
}

async fn bad_requests_get_the_spec_errors(app: &TestApp) {
    load_demo(app).await;
    let key = new_key(app, "city-app").await;
    let mut form = spec_example(&key);
    form.retain(|(k, _)| *k != "api_key");
    let (status, body) = post(app, "/open311/v2/requests.json", &form).await;
    assert_error(status, &body, 403, "api_key was not provided");
    form.push(("api_key", "not-a-key"));
    let (status, body) = post(app, "/open311/v2/requests.json", &form).await;
    assert_error(status, &body, 403, "api_key is not valid");

    let mut form = spec_example(&key);
    form.iter_mut()
        .find(|(k, _)| *k == "service_code")
        .unwrap()
        .1 = "7777";
    let (status, body) = post(app, "/open311/v2/requests.json", &form).await;
    assert_error(status, &body, 400, "service_code not found");
    // XML errors for an XML request.
    let (status, text) = post_raw(app, "/open311/v2/requests.xml", &form).await;
    assert_eq!(status, 400);
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "errors");
    assert_eq!(xml_fields(&doc, "error", "code"), ["400"]);

    let no_place: Vec<_> = spec_example(&key)
        .into_iter()
        .filter(|(k, _)| !matches!(*k, "lat" | "long" | "address_string"))
        .collect();
    let (status, body) = post(app, "/open311/v2/requests.json", &no_place).await;
    assert_error(status, &body, 400, "a location is required");
    let mut bad_phone = spec_example(&key);
    bad_phone.iter_mut().find(|(k, _)| *k == "phone").unwrap().1 = "12";
    let (status, body) = post(app, "/open311/v2/requests.json", &bad_phone).await;
    assert_error(status, &body, 400, "phone");
    let mut bad_lat = spec_example(&key);
    bad_lat.iter_mut().find(|(k, _)| *k == "lat").unwrap().1 = "north";
    let (status, body) = post(app, "/open311/v2/requests.json", &bad_lat).await;
    assert_error(status, &body, 400, "lat must be a number");

    // A revoked key is refused, for reading too.
    app.store.revoke_open311_key("city-app").await.unwrap();
    let (status, body) = post(app, "/open311/v2/requests.json", &spec_example(&key)).await;
    assert_error(status, &body, 403, "api_key is not valid");
    let (status, _, body) = get(app, &format!("/open311/v2/requests.json?api_key={key}")).await;
    assert_error(
        status,
        &serde_json::from_str(&body).unwrap(),
        403,
        "api_key is not valid",
    );

    for (query, says) in [
        ("start_date=yesterday", "start_date must be a W3C date"),
        (
            "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
            "90 days",
        ),
        (
            "start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
            "after end_date",
        ),
        ("status=pending", "status must be open or closed"),
        ("service_code=7777", "service_code not found"),
    ] {
        let (status, body, _) =
            both_formats(app, &format!("/open311/v2/requests.json?{query}"), "errors").await;
        assert_error(status, &body, 400, says);
    }
    // The schema is a real check: a detailed state where the spec wants open/closed,
    // or a request without its id, is refused.
    let wrong = json!([{ "service_request_id": "X", "status": "in_progress",
                         "service_code": "0201", "requested_datetime": "2026-11-24T10:00:00+08:00" }]);
    assert!(!schema_errors("requests", &wrong).is_empty());
    let no_id = json!([{ "status": "open", "service_code": "0201",
                         "requested_datetime": "2026-11-24T10:00:00+08:00" }]);
    assert!(!schema_errors("requests", &no_id).is_empty());
}

async fn lists_filter_by_status_code_and_window(app: &TestApp) {
    load_demo(app).await;
    let key = new_key(app, "city-app").await;
    let here = [
        ("api_key", key.as_str()),
        ("service_code", "0201"),
        ("lat", "36.069"),
        ("long", "120.41"),
        ("description", "路灯不亮"),
    ];
    let (status, first) = post(app, "/open311/v2/requests.json", &here).await;
    assert_eq!(status, 201, "{first}");
    let first = first[0]["service_request_id"].as_str().unwrap().to_owned();
    let grid_only = [
        ("api_key", key.as_str()),
        ("service_code", "0201"),
        ("attribute[grid]", "D01-S01-C01-G01"),
    ];
    let (status, second) = post_raw(app, "/open311/v2/requests.xml", &grid_only).await;
    assert_eq!(status, 201, "{second}");
    let doc = roxmltree::Document::parse(&second).unwrap_or_else(|e| panic!("{e}"));
    let second = xml_fields(&doc, "request", "service_request_id").remove(0);

    // Routed at once: the unit is the agency, with its deadline.
    let (_, value, _) = both_formats(
        app,
        &format!("/open311/v2/requests/{first}.json?api_key={key}"),
        "requests",
    )
    .await;
    assert_eq!(
        value[0]["extended_attributes"]["detailed_status"],
        "dispatched"
    );
    assert!(value[0]["agency_responsible"].is_string());
    assert!(value[0]["expected_datetime"].is_string());

    // The unit resolves the first; its note becomes the status notes.
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    for body in [
        json!({"action": "accept"}),
        json!({"action": "resolve", "note": "已更换灯泡"}),
    ] {
        let r = app
            .post_json(&format!("/api/v1/tickets/{first}/actions"), &body)
            .await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }

    let (_, all, xml) = both_formats(
        app,
        &format!("/open311/v2/requests.json?api_key={key}"),
        "requests",
    )
    .await;
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap())
        .collect();
    // Newest first.
    assert_eq!(ids, [second.as_str(), first.as_str()]);
    assert_eq!(xml_fields(&xml, "request", "service_request_id"), ids);
    let (_, closed, _) = both_formats(
        app,
        &format!("/open311/v2/requests.json?status=closed&api_key={key}"),
        "requests",
    )
    .await;
    assert_eq!(closed.as_array().unwrap().len(), 1);
    assert_eq!(closed[0]["service_request_id"], first.as_str());
    assert_eq!(closed[0]["status_notes"], "已更换灯泡");
    assert_eq!(closed[0]["extended_attributes"]["detailed_status"], "done");
    let (_, open, _) = both_formats(
        app,
        &format!("/open311/v2/requests.json?status=open&service_code=0201&api_key={key}"),
        "requests",
    )
    .await;
    assert_eq!(open.as_array().unwrap().len(), 1);
    assert_eq!(open[0]["service_request_id"], second.as_str());
    let (_, both, _) = both_formats(
        app,
        &format!("/open311/v2/requests.json?status=open,closed&api_key={key}"),
        "requests",
    )
    .await;
    assert_eq!(both.as_array().unwrap().len(), 2);
    let (_, other, _) = both_formats(
        app,
        &format!("/open311/v2/requests.json?service_code=0301&api_key={key}"),
        "requests",
    )
    .await;
    assert_eq!(other, json!([]));
    // Ids override every other filter; unknown ones are left out.
    let (_, by_id, _) = both_formats(
        app,
        &format!(
            "/open311/v2/requests.json?service_request_id={first},NOPE&status=open&api_key={key}"
        ),
        "requests",
    )
    .await;
    assert_eq!(by_id.as_array().unwrap().len(), 1);
    assert_eq!(by_id[0]["service_request_id"], first.as_str());
    // Without the key, tracking codes name nothing and the list shows opaque ids.
    let (_, public_by_code, _) = both_formats(
        app,
        &format!("/open311/v2/requests.json?service_request_id={first}"),
        "requests",
    )
    .await;
    assert_eq!(public_by_code, json!([]));
    let (_, public, _) = both_formats(app, "/open311/v2/requests.json", "requests").await;
    let public_ids: Vec<&str> = public
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap())
        .collect();
    assert_eq!(public_ids.len(), 2);
    for public_id in &public_ids {
        assert!(public_id.starts_with("r_"), "{public_id}");
    }
    let (_, by_public, _) = both_formats(
        app,
        &format!(
            "/open311/v2/requests.json?service_request_id={}",
            public_ids[1]
        ),
        "requests",
    )
    .await;
    assert_eq!(by_public[0]["status_notes"], "已更换灯泡");
}

crate::both_backends!(
    discovery_and_services,
    the_spec_example_round_trips,
    bad_requests_get_the_spec_errors,
    lists_filter_by_status_code_and_window,
    status_notes_carry_only_the_units_public_replies,
);

/// A second Gridline server is the department's system: tickets of U-CM are filed
/// there through its Open311 server, and what its unit does comes back here.
mod forwarding {
    use gridline_core::Role;
    use gridline_server::outbox::store::{NewForwardTarget, TargetKind};
    use serde_json::json;

    use crate::helpers::{Db, TestApp, load_demo, sign_in_as, until};

    /// A server that polls every second and forwards to `target`; `None` without
    /// PostgreSQL for `Db::Postgres`.
    async fn forwarding_to(
        db: Db,
        target: NewForwardTarget,
    ) -> Option<(TestApp, gridline_server::outbox::store::ForwardTarget)> {
        let app = TestApp::spawn_with(db, |c| {
            c.open311_poll_secs = 1;
            c.outbox_retry_secs = 1;
        })
        .await?;
        load_demo(&app).await;
        app.store.add_forward_target(&target).await.unwrap();
        let target = app.store.forward_targets().await.unwrap()[0].clone();
        Some((app, target))
    }

    /// Files `body` as a resident; the ticket as stored.
    async fn file_here(
        app: &TestApp,
        body: serde_json::Value,
    ) -> (String, gridline_server::tickets::store::TicketRecord) {
        let response = reqwest::Client::new()
            .post(app.url("/api/v1/tickets"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let code = response.json::<serde_json::Value>().await.unwrap()["tracking_code"]
            .as_str()
            .unwrap()
            .to_owned();
        let ticket = app.store.ticket_by_code(&code).await.unwrap().unwrap();
        (code, ticket)
    }

    async fn there_and_back(db: Db) {
        let Some(department) = TestApp::spawn(db).await else {
            return;
        };
        load_demo(&department).await;
        let key = super::new_key(&department, "district-12345").await;
        let Some((app, target)) = forwarding_to(
            db,
            NewForwardTarget {
                name: "城管局业务系统".into(),
                url: department.url("/open311/v2"),
                secret: key,
                unit_code: Some("U-CM".into()),
                matter_code: None,
                kind: TargetKind::Open311,
                jurisdiction_id: Some("qingdao".into()),
                service_code: None,
            },
        )
        .await
        else {
            return;
        };
        let (code, ticket) = file_here(
            &app,
            json!({
                "matter_code": "0201", "description": "小区门口路灯不亮",
                "lon": 120.41, "lat": 36.069, "address": "青松路 12 号",
                "contact_name": "张三", "contact_phone": "13812345678"
            }),
        )
        .await;

        // Filed there once, with the complainant's contact for the unit.
        let store = app.store.clone();
        until(|| {
            let store = store.clone();
            async move {
                let link = store.forward_link(target.id, ticket.id).await.unwrap();
                link.is_some_and(|l| l.service_request_id.is_some())
            }
        })
        .await;
        let link = app
            .store
            .forward_link(target.id, ticket.id)
            .await
            .unwrap()
            .unwrap();
        let external = link.service_request_id.clone().unwrap();
        let there = department
            .store
            .ticket_by_code(&external)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(there.channel.as_str(), "open311");
        assert_eq!(there.contact_phone.as_deref(), Some("13812345678"));
        assert!(there.description.contains(&code), "{}", there.description);
        assert_eq!(there.lead_unit_code.as_deref(), Some("U-CM"));

        // The department's unit works on it in its own system.
        let handler = sign_in_as(&department, Role::UnitHandler).await;
        department
            .store
            .add_staff_unit(handler, "U-CM")
            .await
            .unwrap();
        for body in [
            json!({"action": "accept"}),
            json!({"action": "progress", "note": "已安排维修班组", "public": true}),
        ] {
            let r = department
                .post_json(&format!("/api/v1/tickets/{external}/actions"), &body)
                .await;
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        }
        let timeline_has = |note: &'static str| {
            let store = app.store.clone();
            move || {
                let store = store.clone();
                async move {
                    store
                        .ticket_timeline(ticket.id)
                        .await
                        .unwrap()
                        .iter()
                        .any(|e| e.public && e.note == note)
                }
            }
        };
        until(timeline_has("已安排维修班组")).await;
        let here = app.store.ticket_by_code(&code).await.unwrap().unwrap();
        assert_eq!(here.state.status.as_str(), "in_progress");

        let r = department
            .post_json(
                &format!("/api/v1/tickets/{external}/actions"),
                &json!({"action": "resolve", "note": "已更换灯泡"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        until(timeline_has("已更换灯泡")).await;
        let here = app.store.ticket_by_code(&code).await.unwrap().unwrap();
        assert_eq!(here.state.status.as_str(), "done");
        let link = app
            .store
            .forward_link(target.id, ticket.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(link.status, "closed");
        // Sent once, whatever happened since.
        let sent: Vec<_> = app
            .store
            .outbox_items(ticket.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.item.kind == "open311")
            .collect();
        assert_eq!(sent.len(), 1, "{sent:?}");
        let filed_there = department
            .store
            .open311_requests(&gridline_server::open311::store::RequestQuery::Window {
                matters: Vec::new(),
                from: time::OffsetDateTime::now_utc() - time::Duration::hours(1),
                to: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
                closed: None,
                limit: 10,
            })
            .await
            .unwrap();
        assert_eq!(filed_there.len(), 1);
        app.stop().await;
        department.stop().await;
    }

    /// A batch service: answers a token, gives the id a moment later, then closes it.
    #[derive(Clone, Default)]
    struct Batch {
        seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
        token_reads: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Batch {
        async fn start(&self) -> String {
            use axum::extract::{Path, RawQuery};
            use axum::routing::{get, post};
            use std::sync::atomic::Ordering;
            let (posted, tokens, requests) = (self.clone(), self.clone(), self.clone());
            let app = axum::Router::new()
                .route(
                    "/v2/requests.json",
                    post(move |body: String| {
                        posted.seen.lock().unwrap().push(body);
                        async {
                            (
                                axum::http::StatusCode::OK,
                                axum::Json(json!([{ "token": "T-1" }])),
                            )
                        }
                    })
                    .get(move |RawQuery(q): RawQuery| {
                        requests
                            .seen
                            .lock()
                            .unwrap()
                            .push(q.clone().unwrap_or_default());
                        async move {
                            axum::Json(json!([{ "service_request_id": "EXT-9", "status": "closed",
                                "status_notes": "已由环卫所处理完毕", "service_code": "0201",
                                "requested_datetime": "2026-11-24T10:00:00+08:00" }]))
                        }
                    }),
                )
                .route(
                    "/v2/tokens/{file}",
                    get(move |Path(file): Path<String>| {
                        let n = tokens.token_reads.fetch_add(1, Ordering::SeqCst);
                        async move {
                            assert_eq!(file, "T-1.json");
                            // Not made yet the first time.
                            if n == 0 {
                                axum::Json(json!([]))
                            } else {
                                axum::Json(
                                    json!([{ "service_request_id": "EXT-9", "token": "T-1" }]),
                                )
                            }
                        }
                    }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            format!("{base}/v2")
        }
    }

    async fn a_batch_service_token_is_resolved(db: Db) {
        let batch = Batch::default();
        let url = batch.start().await;
        let Some((app, target)) = forwarding_to(
            db,
            NewForwardTarget {
                name: "环卫".into(),
                url,
                secret: "batch-key".into(),
                unit_code: None,
                matter_code: Some("0201".into()),
                kind: TargetKind::Open311,
                jurisdiction_id: None,
                service_code: Some("STREETLIGHT".into()),
            },
        )
        .await
        else {
            return;
        };
        let (code, ticket) = file_here(
            &app,
            json!({"matter_code": "0201", "description": "路灯不亮",
                   "region_code": "D01-S01-C01-G02"}),
        )
        .await;
        let store = app.store.clone();
        // The link is marked closed first (so one process applies it), then the
        // ticket is resolved: wait for the ticket.
        let code_here = code.clone();
        until(|| {
            let (store, code) = (store.clone(), code_here.clone());
            async move {
                let ticket = store.ticket_by_code(&code).await.unwrap().unwrap();
                ticket.state.status.as_str() == "done"
            }
        })
        .await;
        let link = app
            .store
            .forward_link(target.id, ticket.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(link.status, "closed");
        assert_eq!(link.token.as_deref(), Some("T-1"));
        assert_eq!(link.service_request_id.as_deref(), Some("EXT-9"));
        let here = app.store.ticket_by_code(&code).await.unwrap().unwrap();
        assert_eq!(here.state.status.as_str(), "done");
        let timeline = app.store.ticket_timeline(ticket.id).await.unwrap();
        assert!(timeline.iter().any(|e| e.note == "已由环卫所处理完毕"));
        let seen = batch.seen.lock().unwrap().clone();
        let posted: Vec<_> = seen.iter().filter(|s| s.contains("service_code")).collect();
        assert_eq!(posted.len(), 1, "{seen:?}");
        assert!(
            posted[0].contains("service_code=STREETLIGHT"),
            "{}",
            posted[0]
        );
        assert!(posted[0].contains("api_key=batch-key"), "{}", posted[0]);
        assert!(
            seen.iter().any(|s| s.contains("service_request_id=EXT-9")),
            "{seen:?}"
        );
        app.stop().await;
    }

    #[tokio::test]
    async fn batch_sqlite() {
        a_batch_service_token_is_resolved(Db::Sqlite).await;
    }

    #[tokio::test]
    async fn batch_postgres() {
        a_batch_service_token_is_resolved(Db::Postgres).await;
    }

    /// A unit's own Open311 system: takes one request (`EXT-7`), shows it open until
    /// `closed` is set, then closed with its note.
    #[derive(Clone, Default)]
    struct UnitSystem {
        closed: std::sync::Arc<std::sync::atomic::AtomicBool>,
    }

    impl UnitSystem {
        async fn start(&self) -> String {
            use axum::routing::post;
            use std::sync::atomic::Ordering;
            let system = self.clone();
            let app = axum::Router::new().route(
                "/v2/requests.json",
                post(|| async { axum::Json(json!([{ "service_request_id": "EXT-7" }])) }).get(
                    move || {
                        let closed = system.closed.load(Ordering::SeqCst);
                        async move {
                            axum::Json(json!([{
                                "service_request_id": "EXT-7",
                                "status": if closed { "closed" } else { "open" },
                                "status_notes": if closed { "城管已处理完毕" } else { "" },
                                "service_code": "0201",
                                "requested_datetime": "2026-11-24T10:00:00+08:00",
                            }]))
                        }
                    },
                ),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            format!("{base}/v2")
        }
    }

    /// Finding 11: the poller acts for the unit the link was made for. A ticket sent to
    /// U-CM's system and since redispatched to U-HC is not resolved when U-CM's
    /// system closes its copy.
    async fn a_link_does_not_act_for_the_unit_that_took_over(db: Db) {
        let system = UnitSystem::default();
        let url = system.start().await;
        let Some((app, target)) = forwarding_to(
            db,
            NewForwardTarget {
                name: "城管局业务系统".into(),
                url,
                secret: "unit-key".into(),
                unit_code: Some("U-CM".into()),
                matter_code: None,
                kind: TargetKind::Open311,
                jurisdiction_id: None,
                service_code: None,
            },
        )
        .await
        else {
            return;
        };
        let (code, ticket) = file_here(
            &app,
            json!({"matter_code": "0201", "description": "路灯不亮",
                   "region_code": "D01-S01-C01-G02"}),
        )
        .await;
        let store = app.store.clone();
        until(|| {
            let store = store.clone();
            async move {
                let link = store.forward_link(target.id, ticket.id).await.unwrap();
                link.is_some_and(|l| l.service_request_id.is_some())
            }
        })
        .await;
        // The dispatcher moves it to another unit; then U-CM's system closes its copy.
        sign_in_as(&app, Role::Dispatcher).await;
        let moved = app
            .post_json(
                &format!("/api/v1/tickets/{code}/actions"),
                &json!({"action": "redispatch", "unit_code": "U-HC", "note": "不属城管"}),
            )
            .await;
        assert_eq!(moved.status(), 200, "{}", moved.text().await.unwrap());
        system
            .closed
            .store(true, std::sync::atomic::Ordering::SeqCst);
        until(|| {
            let store = store.clone();
            async move {
                let link = store.forward_link(target.id, ticket.id).await.unwrap();
                link.is_some_and(|l| l.status == "closed")
            }
        })
        .await;
        // Read, and left alone: the ticket stays U-HC's, not resolved in its name.
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let here = app.store.ticket_by_code(&code).await.unwrap().unwrap();
        assert_eq!(here.lead_unit_code.as_deref(), Some("U-HC"));
        assert_eq!(here.state.status.as_str(), "dispatched");
        let timeline = app.store.ticket_timeline(ticket.id).await.unwrap();
        assert!(
            timeline.iter().all(|e| e.note != "城管已处理完毕"),
            "{timeline:?}"
        );
        app.stop().await;
    }

    #[tokio::test]
    async fn moved_on_sqlite() {
        a_link_does_not_act_for_the_unit_that_took_over(Db::Sqlite).await;
    }

    #[tokio::test]
    async fn moved_on_postgres() {
        a_link_does_not_act_for_the_unit_that_took_over(Db::Postgres).await;
    }

    #[tokio::test]
    async fn sqlite() {
        there_and_back(Db::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        there_and_back(Db::Postgres).await;
    }
}

/// `status_notes` carries the unit's last public reply, for the public and for
/// partners alike: never a resident's rating comment, nor an internal note (finding 9).
async fn status_notes_carry_only_the_units_public_replies(app: &TestApp) {
    load_demo(app).await;
    let filed = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .json(&json!({
            "client_id": "notes-0001",
            "matter_code": "0201",
            "description": "小区门口路灯不亮",
            "lon": 120.41, "lat": 36.069,
            "contact_phone": "13812345678",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(filed.status(), 201);
    let code = filed.json::<Value>().await.unwrap()["tracking_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let handler = sign_in_as(app, Role::UnitHandler).await;
    app.store.add_staff_unit(handler, "U-CM").await.unwrap();
    for body in [
        json!({"action": "accept"}),
        json!({"action": "resolve", "note": "路灯已更换"}),
    ] {
        assert_eq!(act(app, &code, body).await.status(), 200);
    }
    let rated = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/tickets/{code}/rating?phone_suffix=5678")))
        .json(
            &json!({"satisfaction": "dissatisfied", "comment": "根本没修好，物业电话 13900009999"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), 200);
    let key = new_key(app, "city-app").await;
    let only_the_reply = async || {
        for path in [
            "/open311/v2/requests.json".to_owned(),
            format!("/open311/v2/requests.json?api_key={key}"),
        ] {
            let (status, listed, xml) = both_formats(app, &path, "requests").await;
            assert_eq!(status, 200);
            assert_eq!(listed[0]["status_notes"], "路灯已更换", "{path}: {listed}");
            assert_eq!(xml_fields(&xml, "request", "status_notes"), ["路灯已更换"]);
            let text = listed.to_string();
            for words in ["根本没修好", "13900009999", "dissatisfied", "等配件"] {
                assert!(!text.contains(words), "{words} in {path}: {text}");
            }
        }
    };
    // Rated dissatisfied, reopened: the rating is the newest public entry.
    only_the_reply().await;
    // Taken on again, the unit writes an internal note and no public word yet.
    let internal = json!({"action": "progress", "note": "内部：等配件", "public": false});
    assert_eq!(
        act(app, &code, json!({"action": "accept"})).await.status(),
        200
    );
    assert_eq!(act(app, &code, internal).await.status(), 200);
    only_the_reply().await;
}
