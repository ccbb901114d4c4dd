//! The page a text message links to: `/track/CODE?k=TOKEN` comes with the ticket's
//! status painted in by the server (before any wasm loads); any other link is the
//! plain shell, whether the code exists or not, and nothing painted names anyone.

use gridline_core::Role;
use serde_json::json;

use crate::helpers::{Db, SmsGateway, TEST_INDEX_HTML, TestApp, eventually, sign_in_as};

const PUBLIC_URL: &str = "https://12345.example.gov.cn";

mod a_texted_link_opens_a_page_with_the_status_painted_in {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        run(Db::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        run(Db::Postgres).await;
    }

    async fn run(db: Db) {
        let gateway = SmsGateway::default();
        let sms_url = gateway.start(|_, _| false).await;
        let Some(app) = TestApp::spawn_with(db, |c| {
            c.sms_url = Some(sms_url);
            c.public_url = Some(PUBLIC_URL.into());
            c.outbox_retry_secs = 1;
        })
        .await
        else {
            return;
        };
        crate::helpers::load_demo(&app).await;
        // An operator files from a call: the caller is texted the code and the link.
        sign_in_as(&app, Role::HotlineOperator).await;
        let response = app
            .post_json(
                "/api/v1/tickets",
                &json!({
                    "matter_code": "0201", "description": "张先生说楼下路灯不亮",
                    "region_code": "D01-S01-C01-G02", "contact_name": "张先生",
                    "contact_phone": "13900002222", "call_id": "call-track-1"
                }),
            )
            .await;
        assert_eq!(response.status(), 201);
        let code = response.json::<serde_json::Value>().await.unwrap()["tracking_code"]
            .as_str()
            .unwrap()
            .to_owned();
        eventually(|| !gateway.to("13900002222").is_empty()).await;
        let text = gateway.to("13900002222")[0].1["text"]
            .as_str()
            .unwrap()
            .to_owned();
        let start = text.find(PUBLIC_URL).expect("a link in the text");
        let link: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_graphic())
            .collect();
        let page = link.strip_prefix(PUBLIC_URL).unwrap().to_owned();
        assert!(page.starts_with(&format!("/track/{code}?k=")), "{text}");

        // The link's page: the shell with the status first in its body.
        let response = app.get(&page).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "private, no-store");
        assert!(response.headers().contains_key("content-security-policy"));
        let html = response.text().await.unwrap();
        assert!(
            html.starts_with("<!doctype html><html><head><script"),
            "{html}"
        );
        assert!(html.contains("<body><section id=\"first-paint\""), "{html}");
        for shown in [code.as_str(), "已派单", "路灯不亮", "办理时限"] {
            assert!(html.contains(shown), "{shown} in {html}");
        }
        for hidden in ["13900002222", "张先生", "楼下"] {
            assert!(!html.contains(hidden), "{hidden} in {html}");
        }

        // The status follows the ticket.
        let handler = sign_in_as(&app, Role::UnitHandler).await;
        app.store.add_staff_unit(handler, "U-CM").await.unwrap();
        let act = crate::helpers::act(&app, &code, json!({"action": "accept"})).await;
        assert_eq!(act.status(), 200);
        assert!(
            app.get(&page)
                .await
                .text()
                .await
                .unwrap()
                .contains("已签收")
        );

        // Any other link is the plain shell: no token, a wrong one, another code's.
        let token = page.rsplit("k=").next().unwrap().to_owned();
        let mut wrong = token.clone().into_bytes();
        wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
        let wrong = String::from_utf8(wrong).unwrap();
        for other in [
            format!("/track/{code}"),
            format!("/track/{code}?k={wrong}"),
            format!("/track/{code}?k="),
            format!("/track/AAAAAAAA?k={token}"),
            format!("/track/not-a-code?k={token}"),
        ] {
            let response = app.get(&other).await;
            assert_eq!(response.status(), 200, "{other}");
            assert_eq!(response.headers()["cache-control"], "no-cache", "{other}");
            assert_eq!(response.text().await.unwrap(), TEST_INDEX_HTML, "{other}");
        }
        app.stop().await;
    }
}
