//! The kind of request (民生, 发展, 执法): its name, and a choice of one or all, for the
//! queues and the reports.

use gridline_core::api::ticket::RequestKind;
use leptos::prelude::*;

use crate::i18n::{Key, use_i18n};

pub fn kind_key(kind: RequestKind) -> Key {
    match kind {
        RequestKind::Livelihood => Key::KindLivelihood,
        RequestKind::Development => Key::KindDevelopment,
        RequestKind::Enforcement => Key::KindEnforcement,
    }
}

/// Chooses a kind (its wire name in `value`) or all (empty).
#[component]
pub fn KindSelect(value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            <span>{move || i18n.t(Key::RequestKindLabel)}</span>
            <select name="request_kind" data-testid="kind-filter" bind:value=value>
                <option value="">{move || i18n.t(Key::AllKinds)}</option>
                {RequestKind::ALL.map(|k| view! {
                    <option value=k.as_str()>{move || i18n.t(kind_key(k))}</option>
                })}
            </select>
        </label>
    }
}
