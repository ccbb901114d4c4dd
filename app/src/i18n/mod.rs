//! The i18n layer: every string the UI shows is a [`Key`], translated by the locale in
//! effect. zh-CN is the default; the choice is kept in localStorage across visits.
//!
//! Each text is a constant holding both languages (`texts.rs`), so a text without a
//! translation does not compile, and a bundle carries only the texts it uses.

mod hotline;
mod texts;

use leptos::prelude::*;

const STORAGE_KEY: &str = "gridline.locale";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    /// The BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        match tag {
            "zh-CN" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The other language, offered by the switch.
    pub fn other(self) -> Locale {
        match self {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }

    /// How this language names itself (the switch's label).
    pub fn own_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "中文",
            Locale::En => "English",
        }
    }
}

/// A text the UI shows, in both languages. The texts are `Key`'s associated constants
/// (`Key::AppName`, in `texts.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    zh_cn: &'static str,
    en: &'static str,
}

impl Key {
    const fn new(zh_cn: &'static str, en: &'static str) -> Key {
        Key { zh_cn, en }
    }

    pub fn text(self, locale: Locale) -> &'static str {
        match locale {
            Locale::ZhCn => self.zh_cn,
            Locale::En => self.en,
        }
    }
}

/// The locale in effect, shared through the context.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    pub fn new(locale: Locale) -> Self {
        I18n {
            locale: RwSignal::new(locale),
        }
    }

    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// The text of `key` in the current locale (reactive: call it inside a closure).
    pub fn t(&self, key: Key) -> &'static str {
        key.text(self.locale.get())
    }

    /// Of data in both languages (a matter type's names, say), the one for the current
    /// locale (reactive).
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.locale.get() {
            Locale::ZhCn => zh,
            Locale::En => en,
        }
    }

    /// Switches the language, remembers it, and updates `<html lang>`.
    pub fn set_locale(&self, locale: Locale) {
        self.locale.set(locale);
        if let Some(storage) = local_storage() {
            // Private mode may refuse storage; the switch still works for this visit.
            let _ = storage.set_item(STORAGE_KEY, locale.tag());
        }
        apply_document_lang(locale);
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn apply_document_lang(locale: Locale) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", locale.tag());
    }
}

/// The remembered locale, or zh-CN.
pub fn stored_locale() -> Locale {
    local_storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|tag| Locale::from_tag(&tag))
        .unwrap_or_default()
}

/// Provides the i18n context with the remembered locale.
pub fn provide_i18n() -> I18n {
    let locale = stored_locale();
    apply_document_lang(locale);
    let i18n = I18n::new(locale);
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().expect("provide_i18n() runs at the top of the app")
}
