//! Page layout in plain numbers: text is measured and wrapped here, then placed as a list of
//! drawing operations that `pdf.rs` hands to krilla. Keeping placement apart from drawing lets a
//! block be measured (laid out on scratch) before it is placed for real.

use super::fonts::Face;

pub type Rgb = (u8, u8, u8);

pub const INK: Rgb = (29, 35, 48);
pub const MUTED: Rgb = (91, 100, 116);
pub const ACCENT: Rgb = (36, 86, 201);
pub const RULE: Rgb = (210, 216, 226);

/// One thing to draw. `y` of text is its baseline; coordinates grow rightwards and downwards
/// from the page's top-left corner, in points.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text {
        face: Face,
        size: f32,
        x: f32,
        y: f32,
        color: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        url: String,
    },
}

/// A style of text: face, size, colour and the distance between baselines.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub color: Rgb,
    pub leading: f32,
}

impl Style {
    pub const fn new(face: Face, size: f32, color: Rgb) -> Style {
        Style {
            face,
            size,
            color,
            leading: size * 1.32,
        }
    }

    pub fn width(&self, text: &str) -> f32 {
        self.face.width(text, self.size)
    }
}

#[derive(Debug, Default)]
pub struct Layout {
    pub ops: Vec<Op>,
}

impl Layout {
    pub fn text(&mut self, style: Style, x: f32, baseline: f32, text: impl Into<String>) {
        self.ops.push(Op::Text {
            face: style.face,
            size: style.size,
            x,
            y: baseline,
            color: style.color,
            text: text.into(),
        });
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.ops.push(Op::Rect { x, y, w, h, color });
    }

    pub fn link(&mut self, x: f32, y: f32, w: f32, h: f32, url: &str) {
        self.ops.push(Op::Link {
            x,
            y,
            w,
            h,
            url: url.to_owned(),
        });
    }

    /// Writes `lines` from the top edge `top`, returning the top edge below them.
    pub fn lines(&mut self, style: Style, x: f32, top: f32, lines: &[String]) -> f32 {
        let mut y = top;
        for line in lines {
            self.text(style, x, y + style.size, line.clone());
            y += style.leading;
        }
        y
    }
}

/// Breaks `text` into lines no wider than `width`: at spaces where it can, inside a word only
/// when one word alone is too wide (hashes, ids, URLs). At most `max_lines`; a cut last line
/// ends with "…".
pub fn wrap(style: Style, width: f32, text: &str, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if style.width(&candidate) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if style.width(&line) > width && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(c);
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && style.width(&format!("{last}…")) > width {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: Style = Style::new(Face::Sans, 10.0, INK);
    const MONO: Style = Style::new(Face::Mono, 8.0, INK);

    #[test]
    fn wraps_at_spaces_and_breaks_long_words() {
        let lines = wrap(BODY, 100.0, "the quick brown fox jumps over the lazy dog", 10);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| BODY.width(l) <= 100.0), "{lines:?}");
        assert_eq!(lines.join(" "), "the quick brown fox jumps over the lazy dog");

        let hash = "ab".repeat(64);
        let lines = wrap(MONO, 200.0, &hash, 10);
        assert!(
            lines.len() >= 3 && lines.iter().all(|l| MONO.width(l) <= 200.0),
            "{lines:?}"
        );
        assert_eq!(lines.concat(), hash);
    }

    #[test]
    fn cuts_with_an_ellipsis_and_never_returns_nothing() {
        let lines = wrap(BODY, 60.0, &"word ".repeat(40), 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…') && BODY.width(&lines[1]) <= 60.0, "{lines:?}");
        assert_eq!(wrap(BODY, 60.0, "", 2), vec![String::new()]);
    }
}
