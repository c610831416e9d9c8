//! URL slugs: the title, made URL-safe, plus a random suffix so slugs never collide.

/// `Summer Giveaway 2026!` with suffix `a1b2c3d4` → `summer-giveaway-2026-a1b2c3d4`.
pub fn slug(title: &str, suffix: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            out.push(c);
            dash = false;
        } else {
            dash = true;
        }
        if out.len() >= 60 {
            break;
        }
    }
    let base = out.trim_end_matches('-');
    if base.is_empty() {
        format!("giveaway-{suffix}")
    } else {
        format!("{base}-{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Summer Giveaway 2026", "a1b2c3d4"),
            "summer-giveaway-2026-a1b2c3d4"
        );
        assert_eq!(slug("  Holiday -- Giveaway!! ", "x"), "holiday-giveaway-x");
        assert_eq!(slug("🎉🎉", "x"), "giveaway-x");
        assert!(slug(&"a".repeat(300), "x").len() <= 62);
    }
}
