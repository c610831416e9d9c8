//! Turning what an e-mail says into a message: placeholders filled in brand-written texts, a plain
//! text part and an HTML part (multipart/alternative), every piece of user content escaped in the
//! HTML by askama, and headers built by lettre, which encodes non-ASCII names and subjects.

use askama::Template;
use askama::filters::{Html, escape};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use std::time::{Duration, SystemTime};

/// Values for `{name}`, `{giveaway_title}`, `{link}`, `{code}` and the like in texts that brands
/// write (subjects, bodies, custom HTML).
#[derive(Debug, Default)]
pub struct Placeholders {
    values: Vec<(&'static str, String)>,
}

impl Placeholders {
    pub fn new() -> Placeholders {
        Placeholders::default()
    }

    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Placeholders {
        self.values.push((key, value.into()));
        self
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.values.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }

    /// Fills a plain-text template with the values as they are.
    pub fn text(&self, template: &str) -> String {
        fill(template, |key| self.get(key).map(str::to_owned))
    }

    /// Fills an HTML template with the values HTML-escaped, so an entrant's name cannot add markup
    /// to a brand's template.
    pub fn html(&self, template: &str) -> String {
        fill(template, |key| self.get(key).map(escape_html))
    }
}

/// Replaces each known `{key}` once, left to right. Values are never scanned again (a name that
/// reads `{link}` stays that text), and unknown or malformed placeholders are kept as written.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = after.find('}').and_then(|close| {
            let key = &after[..close];
            let is_key = !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            is_key.then(|| value(key).map(|v| (v, close)))?
        });
        match known {
            Some((v, close)) => {
                out.push_str(&v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn escape_html(text: &str) -> String {
    match escape(text, Html) {
        Ok(safe) => safe.to_string(),
        Err(never) => match never {},
    }
}

/// A code to show apart from the text (a coupon, a redemption code).
#[derive(Clone, Debug)]
pub struct Code {
    pub label: String,
    pub value: String,
}

/// A button in the HTML part, a line with the URL in the text part.
#[derive(Clone, Debug)]
pub struct Action {
    pub label: String,
    pub url: String,
}

/// One e-mail, before it becomes a message.
#[derive(Clone, Debug)]
pub struct Letter {
    /// The local part of the Message-ID, stable across retries of the same job.
    pub message_id: String,
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    pub reply_to: Option<(Option<String>, String)>,
    pub heading: String,
    /// Plain text, a paragraph each; line breaks inside are kept.
    pub paragraphs: Vec<String>,
    /// Brand-written HTML (placeholders filled, values escaped) shown instead of `paragraphs` in
    /// the HTML part.
    pub html_body: Option<String>,
    pub code: Option<Code>,
    /// Plain text after the code (how to use it).
    pub after_code: Vec<String>,
    pub action: Option<Action>,
    pub logo_url: Option<String>,
    /// A whole brand-written HTML document (placeholders filled, values escaped) used as the HTML
    /// part instead of the layout.
    pub html_document: Option<String>,
}

impl Letter {
    /// The plain-text part.
    pub fn text(&self) -> String {
        let mut blocks = vec![self.heading.clone()];
        blocks.extend(self.paragraphs.iter().cloned());
        if let Some(code) = &self.code {
            blocks.push(format!("{}: {}", code.label, code.value));
        }
        blocks.extend(self.after_code.iter().cloned());
        if let Some(action) = &self.action {
            blocks.push(format!("{}:\n{}", action.label, action.url));
        }
        blocks.push(format!("-- \n{FOOTER}"));
        let mut text = blocks.join("\n\n");
        text.push('\n');
        text
    }

    /// The HTML part.
    pub fn html(&self) -> String {
        if let Some(doc) = &self.html_document {
            return doc.clone();
        }
        let lines = |ps: &[String]| ps.iter().map(|p| p.lines().map(str::to_owned).collect()).collect();
        let layout = Layout {
            subject: &self.subject,
            heading: &self.heading,
            logo_url: self.logo_url.as_deref(),
            paragraphs: lines(&self.paragraphs),
            html_body: self.html_body.as_deref(),
            code: self.code.as_ref(),
            after_code: lines(&self.after_code),
            action: self.action.as_ref(),
            footer: FOOTER,
        };
        layout.render().unwrap_or_else(|e| {
            // Rendering only formats strings; it does not fail on any input.
            tracing::error!(error = %e, "rendering an e-mail failed");
            String::new()
        })
    }

    /// The message, from `from`, dated `now_ms`, with its Message-ID under `id_domain`.
    pub fn message(&self, from: &Mailbox, id_domain: &str, now_ms: i64) -> Result<Message, BuildError> {
        let to_address = self.to_email.trim().parse().map_err(|_| BuildError::Recipient)?;
        let to = Mailbox::new(display_name(&self.to_name), to_address);
        let date = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(now_ms).unwrap_or(0));
        let mut builder = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(one_line(&self.subject))
            .date(date)
            .message_id(Some(format!("<{}@{id_domain}>", self.message_id)));
        if let Some((name, email)) = &self.reply_to {
            // A reply-to that does not parse was accepted by an older rule; mail goes out without it.
            if let Ok(address) = email.trim().parse() {
                let name = name.as_deref().and_then(display_name);
                builder = builder.reply_to(Mailbox::new(name, address));
            }
        }
        builder
            .multipart(MultiPart::alternative_plain_html(self.text(), self.html()))
            .map_err(|e| BuildError::Message(e.to_string()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the recipient address is not a valid e-mail address")]
    Recipient,
    #[error("the message could not be built: {0}")]
    Message(String),
}

const FOOTER: &str = "You receive this e-mail because you entered a giveaway run with Fairdraw.";

/// A header value on one line: control characters (line breaks above all) become spaces.
pub fn one_line(s: &str) -> String {
    let spaced: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn display_name(name: &str) -> Option<String> {
    let name = one_line(name);
    (!name.is_empty()).then_some(name)
}

/// Splits a brand-written text into paragraphs at blank lines.
pub fn paragraphs(text: &str) -> Vec<String> {
    let normalized = text.replace("\r\n", "\n");
    normalized
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ subject }}</title></head>
<body style="margin:0;padding:24px 12px;background:#f4f4f5;font-family:Helvetica,Arial,sans-serif;color:#18181b;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
{% if let Some(logo) = logo_url %}<img src="{{ logo }}" alt="" style="max-height:64px;max-width:100%;margin-bottom:16px">
{% endif %}<h1 style="font-size:20px;margin:0 0 16px">{{ heading }}</h1>
{% if let Some(body) = html_body %}<div>{{ body|safe }}</div>
{% else %}{% for p in paragraphs %}<p style="margin:0 0 16px">{% for line in p %}{% if !loop.first %}<br>{% endif %}{{ line }}{% endfor %}</p>
{% endfor %}{% endif %}{% if let Some(code) = code %}<p style="margin:0 0 8px;font-size:14px;color:#52525b">{{ code.label }}</p>
<p style="margin:0 0 16px;font-family:Menlo,Consolas,monospace;font-size:20px;font-weight:bold;letter-spacing:1px;background:#f4f4f5;border-radius:6px;padding:12px 16px;display:inline-block">{{ code.value }}</p>
{% endif %}{% for p in after_code %}<p style="margin:0 0 16px">{% for line in p %}{% if !loop.first %}<br>{% endif %}{{ line }}{% endfor %}</p>
{% endfor %}{% if let Some(action) = action %}<p style="margin:24px 0"><a href="{{ action.url }}" style="background:#2563eb;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;display:inline-block">{{ action.label }}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#52525b;word-break:break-all">{{ action.url }}</p>
{% endif %}<hr style="border:none;border-top:1px solid #e4e4e7;margin:24px 0 12px">
<p style="margin:0;font-size:12px;color:#71717a">{{ footer }}</p>
</div>
</body></html>
"#
)]
struct Layout<'a> {
    subject: &'a str,
    heading: &'a str,
    logo_url: Option<&'a str>,
    paragraphs: Vec<Vec<String>>,
    html_body: Option<&'a str>,
    code: Option<&'a Code>,
    after_code: Vec<Vec<String>>,
    action: Option<&'a Action>,
    footer: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Placeholders {
        Placeholders::new()
            .with("name", "<b>Pat</b> & {link}")
            .with("link", "https://x.test/a?b=1&c=2")
            .with("code", "")
    }

    #[test]
    fn fills_each_placeholder_once_and_keeps_the_rest() {
        let p = values();
        assert_eq!(
            p.text("Hi {name}, go to {link}. {unknown} {Name} { name} {} {code}|{"),
            "Hi <b>Pat</b> & {link}, go to https://x.test/a?b=1&c=2. {unknown} {Name} { name} {} |{"
        );
        assert_eq!(
            p.html("<p>Hi {name}</p><a href=\"{link}\">go</a>"),
            "<p>Hi &#60;b&#62;Pat&#60;/b&#62; &#38; {link}</p><a href=\"https://x.test/a?b=1&#38;c=2\">go</a>"
        );
        assert_eq!(p.text("{{name}}"), "{<b>Pat</b> & {link}}");
        assert_eq!(p.text("no placeholders — «ok» 👋"), "no placeholders — «ok» 👋");
    }

    fn letter() -> Letter {
        Letter {
            message_id: "email.winner.7".to_owned(),
            to_email: "pat@example.com".to_owned(),
            to_name: "Pat <script>alert(1)</script>\r\nBcc: x@example.com".to_owned(),
            subject: "You won\r\nBcc: evil@example.com".to_owned(),
            reply_to: Some((Some("Support".to_owned()), "help@brand.test".to_owned())),
            heading: "Congratulations, <script>alert(1)</script>!".to_owned(),
            paragraphs: vec!["Line one\nline <two>".to_owned(), "Second".to_owned()],
            html_body: None,
            code: Some(Code {
                label: "Your code".to_owned(),
                value: "A<B>C".to_owned(),
            }),
            after_code: vec!["Use it at \"checkout\"".to_owned()],
            action: Some(Action {
                label: "Open".to_owned(),
                url: "https://x.test/?a=1&b=\"2\"".to_owned(),
            }),
            logo_url: None,
            html_document: None,
        }
    }

    #[test]
    fn the_layout_escapes_everything_it_is_given() {
        let html = letter().html();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("Congratulations, &#60;script&#62;alert(1)&#60;/script&#62;!"));
        assert!(html.contains("Line one<br>line &#60;two&#62;"));
        assert!(html.contains("A&#60;B&#62;C"));
        assert!(html.contains("href=\"https://x.test/?a=1&#38;b=&#34;2&#34;\""));
        let text = letter().text();
        assert!(text.contains("Your code: A<B>C"));
        assert!(text.contains("Open:\nhttps://x.test/?a=1&b=\"2\""));
    }

    #[test]
    fn headers_cannot_be_injected() {
        let from: Mailbox = "Fairdraw <no-reply@fairdraw.test>".parse().unwrap();
        let message = letter().message(&from, "fairdraw.test", 1_781_524_800_000).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        let head = &raw[..raw.find("\r\n\r\n").unwrap()];
        assert!(!head.lines().any(|l| l.starts_with("Bcc:")), "{head}");
        assert!(head.contains("Message-ID: <email.winner.7@fairdraw.test>"), "{head}");
        assert!(head.contains("Reply-To: Support <help@brand.test>"), "{head}");
        assert!(head.contains("multipart/alternative"), "{head}");
        let mut bad = letter();
        bad.to_email = "not an address".to_owned();
        assert!(matches!(
            bad.message(&from, "fairdraw.test", 0),
            Err(BuildError::Recipient)
        ));
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(
            paragraphs("One\r\nstill one\r\n\r\n\n  Two  \n\n\n"),
            ["One\nstill one", "Two"]
        );
    }
}
