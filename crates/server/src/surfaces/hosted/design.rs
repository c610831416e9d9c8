//! A giveaway's design settings as a stylesheet of its own (`/view/{id}/design.css`), loaded by
//! its page only, so the brand's colours and custom CSS apply to that page and nothing else and
//! no inline style is needed (the page's CSP allows none).
//!
//! Every design value passed core's checks when it was saved (hex colours, pixel sizes, font
//! names without `;{}`), so it cannot end a declaration. Custom CSS is the brand's own text:
//! it goes last, inside an `@scope (.fd-page)` block so its selectors reach the page's content
//! only, and is dropped whole when its braces do not balance (it could close that block) or it
//! tries to import or reach another host.

use fairdraw_core::giveaway::design::Design;
use std::fmt::Write;

/// The stylesheet for one giveaway's design.
pub fn stylesheet(design: &Design) -> String {
    let mut vars = String::new();
    let mut var = |name: &str, value: Option<&str>, unit: &str| {
        if let Some(v) = value {
            let _ = write!(vars, "--fd-{name}:{v}{unit};");
        }
    };
    var("title-color", design.title.font_color.as_deref(), "");
    var("title-size", design.title.font_size.as_deref(), "px");
    var("text", design.body.font_color.as_deref(), "");
    var("bg", design.body.background_color.as_deref(), "");
    var("desc-bg", design.body.description_background_color.as_deref(), "");
    var("text-size", design.body.font_size.as_deref(), "px");
    var("input-border", design.input.border_color.as_deref(), "");
    var("input-border-width", design.input.border_width.as_deref(), "px");
    var("input-radius", design.input.border_radius.as_deref(), "px");
    var("link", design.links.font_color.as_deref(), "");
    var("unlock", design.unlock.font_color.as_deref(), "");
    var("form-border", design.form.border_color.as_deref(), "");
    var("form-border-width", design.form.border_width.as_deref(), "px");
    var("form-radius", design.form.border_radius.as_deref(), "px");
    var("form-shadow", design.form.box_shadow.as_deref(), "");
    var("max-width", design.form.max_width.as_deref(), "px");
    var("top-numbers", design.top_section.numbers_font_color.as_deref(), "");
    var("top-text", design.top_section.text_font_color.as_deref(), "");
    var("top-bg", design.top_section.background_color.as_deref(), "");
    var("btn-fg", design.buttons.font_color.as_deref(), "");
    var("btn-bg", design.buttons.background_color.as_deref(), "");
    var("btn-size", design.buttons.font_size.as_deref(), "px");
    var("btn-radius", design.buttons.border_radius.as_deref(), "px");
    var("page-bg", design.landing_page.background_color.as_deref(), "");
    // A lone quote would run the string to the end of the line and swallow what follows.
    let balanced = |f: &&str| f.matches('"').count().is_multiple_of(2) && f.matches('\'').count().is_multiple_of(2);
    if let Some(font) = design.form.font_family.as_deref().filter(balanced) {
        let _ = write!(vars, "--fd-font:{font},system-ui,sans-serif;");
    }
    let mut css = format!(".fd-page{{{vars}}}\n");
    if design.display.hide_title {
        css.push_str(".fd-title{display:none}\n");
    }
    if design.display.hide_description {
        css.push_str(".fd-description{display:none}\n");
    }
    if design.display.hide_top_bottom_lines {
        css.push_str(".fd-page section{border:0}\n");
    }
    if design.custom_css.enabled
        && let Some(custom) = design.custom_css.css.as_deref().and_then(safe_custom_css)
    {
        let _ = write!(css, "@scope (.fd-page) {{\n{custom}\n}}\n");
    }
    css
}

/// The brand's custom CSS when it stays inside its block and on this host; `None` otherwise.
fn safe_custom_css(css: &str) -> Option<&str> {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") || lower.contains("</") || lower.contains("//") || lower.contains('\\') {
        // `//` would be a protocol-relative URL; escapes could spell anything. Neither is needed
        // for styling a page, and both could be used to leave it.
        return None;
    }
    let mut depth = 0_i64;
    let mut quote: Option<char> = None;
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '/') if chars.peek() == Some(&'*') => {
                // Skip the comment.
                chars.next();
                let mut prev = ' ';
                loop {
                    match chars.next() {
                        Some('/') if prev == '*' => break,
                        Some(c) => prev = c,
                        None => return None,
                    }
                }
            }
            (None, '{') => depth += 1,
            (None, '}') => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    (depth == 0 && quote.is_none()).then_some(css)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fairdraw_core::giveaway::design::Design;

    #[test]
    fn balanced_css_is_scoped_and_escaping_css_is_dropped() {
        assert_eq!(safe_custom_css(".a{color:red}"), Some(".a{color:red}"));
        assert_eq!(safe_custom_css(".a{content:\"}\"}"), Some(".a{content:\"}\"}"));
        assert_eq!(safe_custom_css(".a{color:red} /* } */"), Some(".a{color:red} /* } */"));
        assert_eq!(safe_custom_css("} body{display:none"), None);
        assert_eq!(safe_custom_css(".a{color:red}}"), None);
        assert_eq!(safe_custom_css("@import url(x.css);"), None);
        assert_eq!(safe_custom_css(".a{background:url(//evil.example/x)}"), None);
        assert_eq!(safe_custom_css(".a{color:red"), None);

        let mut design = Design::default();
        design.custom_css.enabled = true;
        design.custom_css.css = Some(".fd-title{letter-spacing:2px}".to_owned());
        let css = stylesheet(&design);
        assert!(css.contains("--fd-btn-bg:#4a3aff;"), "{css}");
        assert!(
            css.contains("@scope (.fd-page) {\n.fd-title{letter-spacing:2px}\n}"),
            "{css}"
        );
        design.custom_css.css = Some("}*{display:none}".to_owned());
        assert!(!stylesheet(&design).contains("display:none"));
    }
}
