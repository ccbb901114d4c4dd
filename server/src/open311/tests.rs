//! Unit tests of `open311`.

use super::*;

#[test]
fn xml_names_array_items_and_escapes() {
    let value = json!([{ "service_code": "a<b", "metadata": true, "group": null,
                         "values": [{ "key": "1", "name": "甲 & 乙" }] }]);
    let mut out = String::new();
    element(&mut out, "services", &value);
    assert_eq!(
        out,
        "<services><service><metadata>true</metadata><service_code>a&lt;b</service_code>\
         <values><value><key>1</key><name>甲 &amp; 乙</name></value></values>\
         </service></services>"
    );
}

#[test]
fn control_characters_cannot_break_the_xml() {
    assert_eq!(escape("a\u{1}b\n'\""), "ab\n&apos;&quot;");
}

#[test]
fn extensions_pick_the_format() {
    assert_eq!(split("requests.json"), Some(("requests", Format::Json)));
    assert_eq!(split("ABC.xml"), Some(("ABC", Format::Xml)));
    assert_eq!(split("requests.html"), None);
    assert_eq!(split("requests"), None);
}

#[test]
fn times_are_w3c_in_china_time() {
    let at = time::macros::datetime!(2026-11-24 01:02:03.5 UTC);
    assert_eq!(w3c(at), "2026-11-24T09:02:03+08:00");
}
