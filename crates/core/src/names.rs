//! The names a draw may publish beside its participant ids. A certificate lists ids only; the
//! verify page and the PDF add the name each surface already shows in public: on a `/v2`
//! giveaway the first name and the initial of the last (as its hosted page's winners and
//! leaderboard), on a `/v1` comment draw the commenter's platform handle, on an `/external` chat
//! giveaway the chat name the partner sent. Never an e-mail address: a word that looks like one
//! is left out, whatever surface it came from.

/// The longest name shown; a longer one is cut, with an ellipsis.
pub const MAX_CHARS: usize = 40;

/// A word that could be (part of) an e-mail address, which is never published.
fn mail_like(word: &str) -> bool {
    word.contains('@')
}

/// "Ana Maria Souza" → "Ana S.": a `/v2` entrant's name as the giveaway's public pages show it.
/// `None` when nothing publishable is left.
pub fn short_name(name: &str) -> Option<String> {
    let mut words = name.split_whitespace().filter(|w| !mail_like(w));
    let first = words.next()?;
    let shown = match words.next_back().and_then(|l| l.chars().next()) {
        Some(initial) => format!("{first} {initial}."),
        None => first.to_owned(),
    };
    Some(cut(&shown))
}

/// A `/v1` commenter's handle, as the platform shows it to everyone: `@handle`.
pub fn handle(candidate_id: &str) -> Option<String> {
    let id = candidate_id.trim().trim_start_matches('@');
    if id.is_empty() || mail_like(id) {
        return None;
    }
    Some(cut(&format!("@{id}")))
}

/// A chat user's display name as the partner sent it (already public in the chat), with any
/// e-mail-like word left out and runs of white space made one space.
pub fn chat_name(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().filter(|w| !mail_like(w)).collect();
    if words.is_empty() {
        return None;
    }
    Some(cut(&words.join(" ")))
}

fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_CHARS {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(MAX_CHARS - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_names_are_first_name_and_initial() {
        assert_eq!(short_name("Ana Maria Souza").as_deref(), Some("Ana S."));
        assert_eq!(short_name("  Bo ").as_deref(), Some("Bo"));
        assert_eq!(short_name("   "), None);
        assert_eq!(short_name("").as_deref(), None);
    }

    #[test]
    fn e_mail_addresses_are_never_shown() {
        assert_eq!(short_name("ana@example.com"), None);
        assert_eq!(short_name("ana@example.com Souza").as_deref(), Some("Souza"));
        assert_eq!(short_name("Ana Souza ana@example.com").as_deref(), Some("Ana S."));
        assert_eq!(handle("someone@example.com"), None);
        assert_eq!(chat_name("Gamer  gamer@example.com"), Some("Gamer".to_owned()));
        assert_eq!(chat_name("x@y.z"), None);
    }

    #[test]
    fn handles_and_chat_names() {
        assert_eq!(handle("ana_s").as_deref(), Some("@ana_s"));
        assert_eq!(handle("@ana_s").as_deref(), Some("@ana_s"));
        assert_eq!(handle(" "), None);
        assert_eq!(chat_name(" Big   Bad\tWolf ").as_deref(), Some("Big Bad Wolf"));
    }

    #[test]
    fn long_names_are_cut() {
        let long = "x".repeat(100);
        let shown = chat_name(&long).unwrap();
        assert_eq!(shown.chars().count(), MAX_CHARS);
        assert!(shown.ends_with('…'));
        assert_eq!(chat_name(&"y".repeat(MAX_CHARS)).unwrap(), "y".repeat(MAX_CHARS));
    }
}
