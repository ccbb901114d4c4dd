//! The daily, weekly and monthly reports as CSV for spreadsheets: UTF-8 with a
//! byte-order mark (so Excel reads the Chinese), CRLF lines, fields quoted as RFC 4180
//! has it, and text that a spreadsheet would run as a formula made inert.

use gridline_core::api::stats::{Change, RatesRow, ReportKind, ReportResponse};
use gridline_core::api::ticket::RequestKind;

/// One field: quoted when it holds a separator, quote or line break; a leading
/// `= + - @` (a formula to a spreadsheet) gets an apostrophe first.
fn field(text: &str) -> String {
    let text = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn line(out: &mut String, fields: &[String]) {
    let fields: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_default()
}

const RATE_HEADER: [&str; 14] = [
    "代码 Code",
    "名称 Name",
    "工单 Tickets",
    "响应率 Response rate",
    "按期办结率 On-time rate",
    "解决率 Resolution rate",
    "满意率 Satisfaction rate",
    "按时响应 Responded in time",
    "按期办结 Resolved on time",
    "超期未办结 Open overdue",
    "评价 Rated",
    "重办 Reopenings",
    "退单 Returns approved",
    "退单被驳回 Returns rejected",
];

fn rates_line(out: &mut String, r: &RatesRow) {
    let c = &r.counts;
    line(
        out,
        &[
            r.code.clone(),
            r.name_zh.clone(),
            c.tickets.to_string(),
            percent(r.rates.response),
            percent(r.rates.on_time),
            percent(r.rates.resolution),
            percent(r.rates.satisfaction),
            c.responded_in_time.to_string(),
            c.resolved_on_time.to_string(),
            c.open_overdue.to_string(),
            (c.satisfied + c.basically_satisfied + c.dissatisfied).to_string(),
            c.reopens.to_string(),
            c.returns_approved.to_string(),
            c.returns_rejected.to_string(),
        ],
    );
}

fn section(out: &mut String, title: &str, rows: &[RatesRow], total: &RatesRow) {
    out.push_str("\r\n");
    line(out, &[title.to_owned()]);
    line(out, &RATE_HEADER.map(String::from));
    for r in rows {
        rates_line(out, r);
    }
    rates_line(out, total);
}

fn change_line(out: &mut String, c: &Change) {
    line(
        out,
        &[
            c.code.clone(),
            c.name_zh.clone(),
            c.current.to_string(),
            c.previous.to_string(),
            (i128::from(c.current) - i128::from(c.previous)).to_string(),
        ],
    );
}

/// The report's first lines: its kind and scope, the period, when it was read, and
/// how many were received against the period before.
fn heading(out: &mut String, report: &ReportResponse) {
    let kind = match report.kind {
        ReportKind::Daily => "日报 Daily report",
        ReportKind::Weekly => "周分析 Weekly analysis",
        ReportKind::Monthly => "月通报 Monthly bulletin",
    };
    line(
        out,
        &[kind.into(), report.scope_zh.clone(), report.scope.clone()],
    );
    if let Some(request_kind) = report.request_kind {
        let name = match request_kind {
            RequestKind::Livelihood => "民生 Livelihood",
            RequestKind::Development => "发展 Development",
            RequestKind::Enforcement => "执法 Enforcement",
        };
        line(out, &["诉求类型 Kind of request".into(), name.into()]);
    }
    line(
        out,
        &[
            "期间 Period".into(),
            report.from.clone(),
            report.last_day.clone(),
        ],
    );
    line(
        out,
        &[
            "上期起 Previous period from".into(),
            report.previous_from.clone(),
        ],
    );
    line(out, &["生成时间 Read at".into(), report.read_at.clone()]);
    line(
        out,
        &[
            "受理 Received".into(),
            report.received.current.to_string(),
            "上期 Previous".into(),
            report.received.previous.to_string(),
        ],
    );
    if let Some(enquiries) = &report.enquiries {
        line(
            out,
            &[
                "咨询 Enquiries answered".into(),
                enquiries.current.to_string(),
                "上期 Previous".into(),
                enquiries.previous.to_string(),
            ],
        );
    }
}

pub fn write(report: &ReportResponse) -> String {
    let mut out = String::from('\u{feff}');
    heading(&mut out, report);
    section(
        &mut out,
        "承办单位 By unit (到期工单 tickets due in the period)",
        &report.units,
        &report.total,
    );
    section(
        &mut out,
        "区域 By area (到期工单 tickets due in the period)",
        &report.areas,
        &report.total,
    );
    out.push_str("\r\n");
    line(&mut out, &["受理最多的事项 Most received matters".into()]);
    line(
        &mut out,
        &[
            "代码 Code",
            "名称 Name",
            "本期 This period",
            "上期 Previous",
            "变化 Change",
        ]
        .map(String::from),
    );
    for c in &report.matters {
        change_line(&mut out, c);
    }
    out.push_str("\r\n");
    line(
        &mut out,
        &["重复诉求点位 Places complained of again".into()],
    );
    line(
        &mut out,
        &[
            "事项 Matter",
            "名称 Name",
            "网格 Grid",
            "地址 Address",
            "工单数 Tickets",
            "工单 Tracking codes",
        ]
        .map(String::from),
    );
    for p in &report.repeat_places {
        line(
            &mut out,
            &[
                p.matter_code.clone(),
                p.matter_zh.clone(),
                p.region_code.clone().unwrap_or_default(),
                p.address.clone(),
                p.tickets.to_string(),
                p.codes.join(" "),
            ],
        );
    }
    out.push_str("\r\n");
    line(&mut out, &["重复来电 Repeat callers".into()]);
    line(
        &mut out,
        &[
            "电话 Phone",
            "事项 Matters",
            "工单数 Tickets",
            "工单 Tracking codes",
        ]
        .map(String::from),
    );
    for c in &report.repeat_callers {
        line(
            &mut out,
            &[
                c.phone.clone(),
                c.matters.join(" "),
                c.tickets.to_string(),
                c.codes.join(" "),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_made_inert() {
        assert_eq!(field("城市管理局"), "城市管理局");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-"), "'-");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(percent(None), "");
        assert_eq!(percent(Some(0.5)), "50.0%");
    }
}
