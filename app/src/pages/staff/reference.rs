//! Names of matter types and units for the consoles, fetched once per visit.

use std::collections::HashMap;

use leptos::prelude::*;
use serde::Deserialize;

use crate::api;
use crate::i18n::Locale;

/// A matter type or a unit as the consoles read it: its code and names only (the
/// catalogue's and the units' other fields are not read, so not carried).
#[derive(Debug, Clone, Deserialize)]
struct Named {
    code: String,
    name_zh: String,
    name_en: String,
}

#[derive(Deserialize)]
struct Matters {
    matter_types: Vec<Named>,
}

#[derive(Deserialize)]
struct Units {
    units: Vec<Named>,
}

/// Matter types and units by code, each with its zh and en name.
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    matters: RwSignal<HashMap<String, (String, String)>>,
    units: RwSignal<Vec<Named>>,
}

fn pick(names: &(String, String), locale: Locale) -> String {
    match locale {
        Locale::ZhCn => names.0.clone(),
        Locale::En => names.1.clone(),
    }
}

impl Reference {
    /// `code name` of a matter type; the bare code until the catalogue has arrived.
    pub fn matter(&self, code: &str, locale: Locale) -> String {
        self.matters.with(|m| match m.get(code) {
            Some(names) => format!("{code} {}", pick(names, locale)),
            None => code.to_owned(),
        })
    }

    /// A unit's name; the bare code until the units have arrived.
    pub fn unit(&self, code: &str, locale: Locale) -> String {
        self.units.with(|units| {
            units.iter().find(|u| u.code == code).map_or_else(
                || code.to_owned(),
                |u| pick(&(u.name_zh.clone(), u.name_en.clone()), locale),
            )
        })
    }

    /// Every unit as (code, name), for choosing one.
    pub fn unit_choices(&self, locale: Locale) -> Vec<(String, String)> {
        self.units.with(|units| {
            units
                .iter()
                .map(|u| {
                    let name = pick(&(u.name_zh.clone(), u.name_en.clone()), locale);
                    (u.code.clone(), format!("{} {name}", u.code))
                })
                .collect()
        })
    }
}

/// Provides the reference context and fetches it in the background; a failure leaves
/// codes shown without names.
pub fn provide_reference() {
    let reference = Reference {
        matters: RwSignal::new(HashMap::new()),
        units: RwSignal::new(Vec::new()),
    };
    provide_context(reference);
    leptos::task::spawn_local(async move {
        if let Ok(catalogue) = api::reference_as::<Matters>("/catalogue").await {
            reference.matters.set(
                catalogue
                    .matter_types
                    .into_iter()
                    .map(|m| (m.code, (m.name_zh, m.name_en)))
                    .collect(),
            );
        }
        if let Ok(units) = api::reference_as::<Units>("/units").await {
            reference.units.set(units.units);
        }
    });
}

pub fn use_reference() -> Reference {
    use_context::<Reference>().expect("provide_reference() runs at the top of the staff app")
}
