//! Widget design settings (`/v2/giveaways/{id}/design`).
//!
//! A design is a set of sections of optional style values. A new giveaway stores `{}` and reads
//! as all defaults; every section and field missing from a stored document takes its default,
//! so the stored form can grow without a migration. Updates are partial per field: a field that
//! is absent is kept, `null` restores its default, a value replaces it once it passes its check.
//!
//! The machinery here (the [`FieldKind`] checks, [`Change`] and the `section!` macro) is shared
//! with the e-mail settings.

use crate::validation::{FieldErrors, is_hex_color};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// One field of a partial update: absent, `null`, or a value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Change<T> {
    #[default]
    Keep,
    Reset,
    Set(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Change<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.map_or(Change::Reset, Change::Set))
    }
}

/// A JSON object and nothing else. Derived structs also accept a JSON array, filling fields by
/// position, which no client means; a settings body or section sent as an array is a 400.
#[derive(Debug)]
pub struct ObjectOnly<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(V(PhantomData)).map(ObjectOnly)
    }
}

/// A section of a patch: an object, or `null`/absent for "unchanged".
pub fn section_patch<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Ok(Option::<ObjectOnly<T>>::deserialize(d)?.map(|o| o.0))
}

/// A kind of settings field: what a client sends, what is stored, and the check between them.
/// A wrong JSON type fails deserialising `Input` (a 400); a bad value fails `accept` (a 422).
pub trait FieldKind {
    type Input: DeserializeOwned + fmt::Debug;
    type Value;
    fn accept(input: Self::Input) -> Result<Self::Value, String>;
}

/// Applies one field's change, restoring `default` on `null` and reporting a refused value
/// under `field`.
pub fn apply_change<K: FieldKind>(
    slot: &mut K::Value,
    change: Change<K::Input>,
    default: impl FnOnce() -> K::Value,
    field: impl FnOnce() -> String,
    errors: &mut FieldErrors,
) {
    match change {
        Change::Keep => {}
        Change::Reset => *slot = default(),
        Change::Set(input) => match K::accept(input) {
            Ok(v) => *slot = v,
            Err(message) => errors.add(field(), message),
        },
    }
}

/// Declares a settings section: the stored struct (every field defaulted when missing), its
/// patch struct, and `apply`, which reports problems as `<section>.<field>`.
macro_rules! section {
    ($(#[$meta:meta])* $name:ident / $patch:ident { $($field:ident: $kind:ty = $default:expr),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        pub struct $name {
            $(pub $field: <$kind as $crate::giveaway::design::FieldKind>::Value,)*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $default,)* }
            }
        }

        /// A partial update of the section.
        #[derive(Debug, Default, serde::Deserialize)]
        #[serde(default)]
        pub struct $patch {
            $(pub $field: $crate::giveaway::design::Change<<$kind as $crate::giveaway::design::FieldKind>::Input>,)*
        }

        impl $name {
            pub fn apply(&mut self, patch: $patch, section: &str, errors: &mut $crate::validation::FieldErrors) {
                $(
                    $crate::giveaway::design::apply_change::<$kind>(
                        &mut self.$field,
                        patch.$field,
                        || $name::default().$field,
                        || format!("{section}.{}", stringify!($field)),
                        errors,
                    );
                )*
            }
        }
    };
}
pub(crate) use section;

/// `#rgb`, `#rrggbb` or either with alpha.
pub struct Color;

impl FieldKind for Color {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        if is_hex_color(&s) {
            Ok(Some(s))
        } else {
            Err("Must be a hex colour such as #4a3aff.".to_owned())
        }
    }
}

/// A size, width, radius or padding in pixels: a short number, sent as a string or a number and
/// stored as a string (the form the reference returns).
pub struct Size;

/// The JSON of a size before its check: a string, or a number in its shortest decimal form.
#[derive(Debug)]
pub struct SizeInput(String);

impl<'de> Deserialize<'de> for SizeInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SizeInput;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a numeric string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SizeInput, E> {
                Ok(SizeInput(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SizeInput, E> {
                Ok(SizeInput(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SizeInput, E> {
                Ok(SizeInput(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<SizeInput, E> {
                Ok(SizeInput(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl FieldKind for Size {
    type Input = SizeInput;
    type Value = Option<String>;
    fn accept(SizeInput(s): SizeInput) -> Result<Option<String>, String> {
        let (whole, fraction) = s.split_once('.').unwrap_or((&s, "0"));
        let digits = |p: &str, max: usize| (1..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
        if digits(whole, 5) && digits(fraction, 2) {
            Ok(Some(s))
        } else {
            Err("Must be a number of pixels such as \"24\" (up to 5 digits, 2 decimals).".to_owned())
        }
    }
}

/// A CSS font stack: names, commas and quotes, nothing that could end the declaration.
pub struct FontFamily;

impl FieldKind for FontFamily {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        let s = s.trim();
        let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | ',' | '\'' | '"');
        if !s.is_empty() && s.chars().count() <= 100 && s.chars().all(allowed) {
            Ok(Some(s.to_owned()))
        } else {
            Err("Must be 1 to 100 letters, digits, spaces, hyphens, commas or quotes.".to_owned())
        }
    }
}

/// A CSS `box-shadow` value, limited to characters that cannot leave the declaration.
pub struct Shadow;

impl FieldKind for Shadow {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '#' | '(' | ')' | ',' | '.' | '%' | '-');
        if !s.trim().is_empty() && s.len() <= 100 && s.chars().all(allowed) {
            Ok(Some(s))
        } else {
            Err("Must be a CSS box-shadow of at most 100 characters, such as \"0 2px 8px #00000033\".".to_owned())
        }
    }
}

/// A named option such as a view or background type.
pub struct Keyword;

impl FieldKind for Keyword {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        if (1..=50).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            Ok(Some(s))
        } else {
            Err("Must be 1 to 50 letters, digits, hyphens or underscores.".to_owned())
        }
    }
}

/// Visible text such as a button label, kept exactly as sent.
pub struct Label;

impl FieldKind for Label {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        if s.chars().count() <= 100 {
            Ok(Some(s))
        } else {
            Err("Must be at most 100 characters.".to_owned())
        }
    }
}

/// The most custom CSS a design keeps, in bytes of UTF-8.
pub const MAX_CUSTOM_CSS_BYTES: usize = 65_536;

/// Custom CSS, kept byte for byte as sent.
pub struct Css;

impl FieldKind for Css {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        if s.len() <= MAX_CUSTOM_CSS_BYTES {
            Ok(Some(s))
        } else {
            Err(format!("Must be at most 65,536 bytes (this is {} bytes).", s.len()))
        }
    }
}

/// A switch that is off by default.
pub struct Flag;

impl FieldKind for Flag {
    type Input = bool;
    type Value = bool;
    fn accept(b: bool) -> Result<bool, String> {
        Ok(b)
    }
}

/// A switch with no default of its own (`null` until set).
pub struct OptionalFlag;

impl FieldKind for OptionalFlag {
    type Input = bool;
    type Value = Option<bool>;
    fn accept(b: bool) -> Result<Option<bool>, String> {
        Ok(Some(b))
    }
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

section! {
    TitleStyle / TitleStylePatch {
        font_color: Color = s("#333333"),
        font_size: Size = s("24"),
    }
}

section! {
    BodyStyle / BodyStylePatch {
        font_color: Color = s("#555555"),
        background_color: Color = s("#ffffff"),
        description_background_color: Color = None,
        font_size: Size = None,
    }
}

section! {
    InputStyle / InputStylePatch {
        border_color: Color = None,
        border_width: Size = None,
        border_radius: Size = None,
    }
}

section! {
    LinkStyle / LinkStylePatch {
        font_color: Color = None,
    }
}

section! {
    UnlockStyle / UnlockStylePatch {
        font_color: Color = None,
        font_size: Size = None,
    }
}

section! {
    FormStyle / FormStylePatch {
        font_family: FontFamily = s("Rubik"),
        border_color: Color = None,
        border_width: Size = None,
        border_radius: Size = None,
        box_shadow: Shadow = None,
        max_width: Size = s("600"),
    }
}

section! {
    TopSectionStyle / TopSectionStylePatch {
        numbers_font_color: Color = None,
        numbers_font_size: Size = None,
        text_font_color: Color = None,
        text_font_size: Size = None,
        background_color: Color = None,
    }
}

section! {
    ButtonStyle / ButtonStylePatch {
        font_color: Color = s("#ffffff"),
        background_color: Color = s("#4a3aff"),
        font_size: Size = None,
        width: Size = None,
        padding: Size = None,
        border_radius: Size = s("8"),
        enter_text: Label = None,
    }
}

section! {
    DisplayOptions / DisplayOptionsPatch {
        hide_title: Flag = false,
        hide_description: Flag = false,
        hide_top_bottom_lines: Flag = false,
    }
}

section! {
    LandingPage / LandingPagePatch {
        background_type: Keyword = None,
        background_color: Color = None,
    }
}

section! {
    CustomCss / CustomCssPatch {
        enabled: Flag = false,
        css: Css = None,
    }
}

/// The whole design, in the order the reference lists its sections.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Design {
    pub title: TitleStyle,
    pub body: BodyStyle,
    pub input: InputStyle,
    pub links: LinkStyle,
    pub unlock: UnlockStyle,
    pub form: FormStyle,
    pub top_section: TopSectionStyle,
    pub buttons: ButtonStyle,
    pub display: DisplayOptions,
    pub landing_page: LandingPage,
    pub entry_methods_view: Option<String>,
    pub custom_css: CustomCss,
    pub default_css: Option<bool>,
}

/// A partial update: sections that are absent (or `null`) are kept as they are.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DesignPatch {
    #[serde(deserialize_with = "section_patch")]
    pub title: Option<TitleStylePatch>,
    #[serde(deserialize_with = "section_patch")]
    pub body: Option<BodyStylePatch>,
    #[serde(deserialize_with = "section_patch")]
    pub input: Option<InputStylePatch>,
    #[serde(deserialize_with = "section_patch")]
    pub links: Option<LinkStylePatch>,
    #[serde(deserialize_with = "section_patch")]
    pub unlock: Option<UnlockStylePatch>,
    #[serde(deserialize_with = "section_patch")]
    pub form: Option<FormStylePatch>,
    #[serde(deserialize_with = "section_patch")]
    pub top_section: Option<TopSectionStylePatch>,
    #[serde(deserialize_with = "section_patch")]
    pub buttons: Option<ButtonStylePatch>,
    #[serde(deserialize_with = "section_patch")]
    pub display: Option<DisplayOptionsPatch>,
    #[serde(deserialize_with = "section_patch")]
    pub landing_page: Option<LandingPagePatch>,
    pub entry_methods_view: Change<String>,
    #[serde(deserialize_with = "section_patch")]
    pub custom_css: Option<CustomCssPatch>,
    pub default_css: Change<bool>,
}

impl Design {
    /// Applies a patch; problems go to `errors` under `<section>.<field>`. On error the caller
    /// keeps the stored design, so a refused request changes nothing.
    pub fn apply(&mut self, p: DesignPatch, errors: &mut FieldErrors) {
        macro_rules! sections {
            ($($name:ident),*) => {
                $(if let Some(patch) = p.$name {
                    self.$name.apply(patch, stringify!($name), errors);
                })*
            };
        }
        sections!(
            title,
            body,
            input,
            links,
            unlock,
            form,
            top_section,
            buttons,
            display,
            landing_page,
            custom_css
        );
        apply_change::<Keyword>(
            &mut self.entry_methods_view,
            p.entry_methods_view,
            || None,
            || "entry_methods_view".to_owned(),
            errors,
        );
        apply_change::<OptionalFlag>(
            &mut self.default_css,
            p.default_css,
            || None,
            || "default_css".to_owned(),
            errors,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(v: serde_json::Value) -> DesignPatch {
        serde_json::from_value(v).unwrap()
    }

    fn applied(v: serde_json::Value) -> (Design, FieldErrors) {
        let mut d = Design::default();
        let mut e = FieldErrors::new();
        d.apply(patch(v), &mut e);
        (d, e)
    }

    #[test]
    fn defaults_are_the_reference_example() {
        let stored: Design = serde_json::from_str("{}").unwrap();
        assert_eq!(
            serde_json::to_value(&stored).unwrap(),
            json!({
                "title": { "font_color": "#333333", "font_size": "24" },
                "body": { "font_color": "#555555", "background_color": "#ffffff", "description_background_color": null, "font_size": null },
                "input": { "border_color": null, "border_width": null, "border_radius": null },
                "links": { "font_color": null },
                "unlock": { "font_color": null, "font_size": null },
                "form": { "font_family": "Rubik", "border_color": null, "border_width": null, "border_radius": null, "box_shadow": null, "max_width": "600" },
                "top_section": { "numbers_font_color": null, "numbers_font_size": null, "text_font_color": null, "text_font_size": null, "background_color": null },
                "buttons": { "font_color": "#ffffff", "background_color": "#4a3aff", "font_size": null, "width": null, "padding": null, "border_radius": "8", "enter_text": null },
                "display": { "hide_title": false, "hide_description": false, "hide_top_bottom_lines": false },
                "landing_page": { "background_type": null, "background_color": null },
                "entry_methods_view": null,
                "custom_css": { "enabled": false, "css": null },
                "default_css": null
            })
        );
        // A stored document missing fields reads them as defaults.
        let partial: Design = serde_json::from_str(r##"{"buttons": {"width": "200"}}"##).unwrap();
        assert_eq!(partial.buttons.width.as_deref(), Some("200"));
        assert_eq!(partial.buttons.background_color.as_deref(), Some("#4a3aff"));
    }

    #[test]
    fn patches_merge_per_field() {
        let (d, e) = applied(json!({ "buttons": { "background_color": "#ff6600", "border_radius": "20" } }));
        assert!(e.is_empty());
        assert_eq!(d.buttons.background_color.as_deref(), Some("#ff6600"));
        assert_eq!(d.buttons.border_radius.as_deref(), Some("20"));
        assert_eq!(d.buttons.font_color.as_deref(), Some("#ffffff"));
        assert_eq!(d.title, TitleStyle::default());
        let mut d = d;
        let mut e = FieldErrors::new();
        d.apply(
            patch(json!({ "buttons": { "background_color": null, "width": 180.5 }, "form": { "font_family": " 'Open Sans', Arial " }, "entry_methods_view": "grid" })),
            &mut e,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(d.buttons.background_color.as_deref(), Some("#4a3aff"));
        assert_eq!(d.buttons.border_radius.as_deref(), Some("20"));
        assert_eq!(d.buttons.width.as_deref(), Some("180.5"));
        assert_eq!(d.form.font_family.as_deref(), Some("'Open Sans', Arial"));
        assert_eq!(d.entry_methods_view.as_deref(), Some("grid"));
        let (d, _) = applied(json!({ "title": { "font_size": 30 }, "unknown": 1, "buttons": { "colour": "red" } }));
        assert_eq!(d.title.font_size.as_deref(), Some("30"));
    }

    #[test]
    fn validates_values() {
        let (d, e) = applied(json!({
            "title": { "font_color": "red", "font_size": "24px" },
            "body": { "font_size": -3 },
            "input": { "border_width": "" },
            "form": { "font_family": "Arial; } body { display: none", "box_shadow": "0 0 1px red; x" },
            "buttons": { "background_color": "#12345", "padding": "123456", "enter_text": "x".repeat(101) },
            "landing_page": { "background_type": "not a keyword" },
            "custom_css": { "css": "a".repeat(MAX_CUSTOM_CSS_BYTES + 1) },
            "entry_methods_view": ""
        }));
        let fields: Vec<&str> = e.iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "body.font_size",
                "buttons.background_color",
                "buttons.enter_text",
                "buttons.padding",
                "custom_css.css",
                "entry_methods_view",
                "form.box_shadow",
                "form.font_family",
                "input.border_width",
                "landing_page.background_type",
                "title.font_color",
                "title.font_size"
            ]
        );
        assert_eq!(d.title.font_color.as_deref(), Some("#333333"));
        for ok in ["0", "24", "99999", "1.5", "12.25"] {
            assert!(Size::accept(SizeInput(ok.to_owned())).is_ok(), "{ok}");
        }
        for bad in ["", ".5", "5.", "1.234", "1e3", "+4", "123456"] {
            assert!(Size::accept(SizeInput(bad.to_owned())).is_err(), "{bad}");
        }
    }

    #[test]
    fn custom_css_is_kept_exactly() {
        let css = "/* ünïcødé 🎉 العربية 中文 */\n.sw { content: \"\\201C\"; }\r\n\t";
        let (d, e) = applied(json!({ "custom_css": { "enabled": true, "css": css } }));
        assert!(e.is_empty());
        assert_eq!(d.custom_css.css.as_deref(), Some(css));
        let round: Design = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(round, d);
        let limit = "é".repeat(MAX_CUSTOM_CSS_BYTES / 2);
        let (d, e) = applied(json!({ "custom_css": { "css": limit } }));
        assert!(e.is_empty() && d.custom_css.css.is_some());
    }

    #[test]
    fn wrong_types_do_not_deserialize() {
        for body in [
            json!({ "buttons": { "background_color": 5 } }),
            json!({ "display": { "hide_title": "yes" } }),
            json!({ "buttons": "red" }),
            json!({ "title": { "font_size": true } }),
            json!({ "custom_css": { "css": ["a"] } }),
            json!({ "buttons": ["#ffffff"] }),
            json!({ "custom_css": [] }),
        ] {
            assert!(serde_json::from_value::<DesignPatch>(body.clone()).is_err(), "{body}");
        }
        assert!(serde_json::from_value::<ObjectOnly<DesignPatch>>(json!([])).is_err());
        assert!(serde_json::from_value::<ObjectOnly<DesignPatch>>(json!({ "buttons": null })).is_ok());
    }
}
