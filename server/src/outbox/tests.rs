//! Unit tests of `outbox`.

use super::*;
use crate::outbox::sms::{content_type, fill};

#[test]
fn templates_are_filled_and_escaped_for_json() {
    let body = fill(
        crate::config::DEFAULT_SMS_TEMPLATE,
        "13800001111",
        "查询码 \"AB\"\n",
    );
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["phone"], "13800001111");
    assert_eq!(value["text"], "查询码 \"AB\"\n");
    assert_eq!(fill("to={phone}&msg={text}", "1", "hi"), "to=1&msg=hi");
    // A form's values are URL-encoded: the text cannot add fields of its own.
    let form = fill("to={phone}&msg={text}", "13800001111", "码 AB&to=110 =?");
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(&form).unwrap();
    assert_eq!(
        fields,
        [
            ("to".to_owned(), "13800001111".to_owned()),
            ("msg".to_owned(), "码 AB&to=110 =?".to_owned())
        ]
    );
    assert_eq!(
        content_type("to={phone}"),
        "application/x-www-form-urlencoded"
    );
}

#[test]
fn backoff_doubles_with_jitter_and_is_capped() {
    let mut config = Config::for_dirs("d".into(), "d".into());
    config.outbox_retry_secs = 30;
    let notifier = Notifier::from_config(&config);
    for attempts in 1..=5u32 {
        let wait = notifier.backoff(attempts).as_secs_f64();
        let base = 30.0 * f64::from(1u32 << (attempts - 1));
        assert!(
            (base * 0.5..=base * 1.5).contains(&wait),
            "{attempts}: {wait}"
        );
    }
    assert!(notifier.backoff(30) <= MAX_BACKOFF);
}
