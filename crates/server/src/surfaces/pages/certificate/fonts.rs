//! The certificate's fonts (DejaVu, embedded in the binary; licence in assets/fonts/LICENSE)
//! and their advance widths, read from the font files themselves so text can be measured and
//! wrapped before it is placed: krilla draws single lines and does not measure them for us.

use std::collections::HashMap;
use std::sync::LazyLock;

pub const SANS: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
pub const SANS_BOLD: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");
pub const MONO: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSansMono.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Sans,
    Bold,
    Mono,
}

impl Face {
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Face::Sans => SANS,
            Face::Bold => SANS_BOLD,
            Face::Mono => MONO,
        }
    }

    fn metrics(self) -> &'static Metrics {
        static SANS_M: LazyLock<Metrics> = LazyLock::new(|| Metrics::read(SANS));
        static BOLD_M: LazyLock<Metrics> = LazyLock::new(|| Metrics::read(SANS_BOLD));
        static MONO_M: LazyLock<Metrics> = LazyLock::new(|| Metrics::read(MONO));
        match self {
            Face::Sans => &SANS_M,
            Face::Bold => &BOLD_M,
            Face::Mono => &MONO_M,
        }
    }

    /// The width of `text` set at `size` points, without kerning (kerning only narrows
    /// text, so a line measured this way always fits).
    pub fn width(self, text: &str, size: f32) -> f32 {
        let m = self.metrics();
        let units: u32 = text
            .chars()
            .map(|c| u32::from(m.advances.get(&u32::from(c)).copied().unwrap_or(m.missing)))
            .sum();
        units as f32 * size / m.units_per_em
    }
}

/// Advance widths by character, from the `head`, `hhea`, `hmtx` and `cmap` tables.
struct Metrics {
    units_per_em: f32,
    advances: HashMap<u32, u16>,
    /// The advance of glyph 0, drawn for characters the font lacks.
    missing: u16,
}

impl Metrics {
    /// Our fonts are compiled in, so a font we cannot read is a build mistake caught by the
    /// unit tests; it degrades to zero widths rather than failing a request.
    fn read(font: &[u8]) -> Metrics {
        Self::try_read(font).unwrap_or(Metrics {
            units_per_em: 1000.0,
            advances: HashMap::new(),
            missing: 0,
        })
    }

    fn try_read(font: &[u8]) -> Option<Metrics> {
        let head = table(font, b"head")?;
        let hhea = table(font, b"hhea")?;
        let hmtx = table(font, b"hmtx")?;
        let cmap = table(font, b"cmap")?;
        let units_per_em = f32::from(u16_at(head, 18)?);
        let long_metrics = usize::from(u16_at(hhea, 34)?);
        let advance = |glyph: u16| {
            let i = usize::from(glyph).min(long_metrics.saturating_sub(1));
            u16_at(hmtx, i * 4).unwrap_or(0)
        };
        let mut advances = HashMap::new();
        for (c, glyph) in char_map(cmap)? {
            advances.insert(c, advance(glyph));
        }
        Some(Metrics {
            units_per_em,
            advances,
            missing: advance(0),
        })
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let count = usize::from(u16_at(font, 4)?);
    (0..count).find_map(|i| {
        let record = 12 + 16 * i;
        if font.get(record..record + 4)? != tag {
            return None;
        }
        let offset = u32_at(font, record + 8)? as usize;
        let length = u32_at(font, record + 12)? as usize;
        font.get(offset..offset + length)
    })
}

/// Every (code point, glyph) pair of the font's Unicode cmap: format 12 (full Unicode) when
/// present, else format 4 (the Basic Multilingual Plane).
fn char_map(cmap: &[u8]) -> Option<Vec<(u32, u16)>> {
    let count = usize::from(u16_at(cmap, 2)?);
    let mut best: Option<(u16, &[u8])> = None;
    for i in 0..count {
        let record = 4 + 8 * i;
        let (platform, encoding) = (u16_at(cmap, record)?, u16_at(cmap, record + 2)?);
        let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10));
        let sub = cmap.get(u32_at(cmap, record + 4)? as usize..)?;
        let format = u16_at(sub, 0)?;
        if unicode && (format == 4 || format == 12) && best.is_none_or(|(f, _)| format > f) {
            best = Some((format, sub));
        }
    }
    match best? {
        (12, sub) => format12(sub),
        (_, sub) => format4(sub),
    }
}

fn format12(sub: &[u8]) -> Option<Vec<(u32, u16)>> {
    let groups = u32_at(sub, 12)? as usize;
    let mut out = Vec::new();
    for g in 0..groups {
        let at = 16 + 12 * g;
        let (start, end, glyph) = (u32_at(sub, at)?, u32_at(sub, at + 4)?, u32_at(sub, at + 8)?);
        for c in start..=end.min(0x10FFFF) {
            out.push((c, u16::try_from(glyph + (c - start)).ok()?));
        }
    }
    Some(out)
}

fn format4(sub: &[u8]) -> Option<Vec<(u32, u16)>> {
    let segments = usize::from(u16_at(sub, 6)? / 2);
    let ends = 14;
    let starts = ends + 2 * segments + 2;
    let deltas = starts + 2 * segments;
    let range_offsets = deltas + 2 * segments;
    let mut out = Vec::new();
    for s in 0..segments {
        let (end, start) = (u16_at(sub, ends + 2 * s)?, u16_at(sub, starts + 2 * s)?);
        let delta = u16_at(sub, deltas + 2 * s)?;
        let range_offset = usize::from(u16_at(sub, range_offsets + 2 * s)?);
        for c in start..=end {
            if c == 0xFFFF {
                break;
            }
            let glyph = if range_offset == 0 {
                c.wrapping_add(delta)
            } else {
                let at = range_offsets + 2 * s + range_offset + 2 * usize::from(c - start);
                match u16_at(sub, at)? {
                    0 => 0,
                    g => g.wrapping_add(delta),
                }
            };
            if glyph != 0 {
                out.push((u32::from(c), glyph));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_fonts() {
        // DejaVu Sans Mono: every glyph is 1233 units of 2048 wide.
        let w = Face::Mono.width("0123456789abcdef", 10.0);
        assert!((w - 16.0 * 1233.0 * 10.0 / 2048.0).abs() < 0.01, "{w}");
        // DejaVu Sans: "i" is narrower than "W", bold is wider than regular.
        assert!(Face::Sans.width("i", 10.0) < Face::Sans.width("W", 10.0));
        assert!(Face::Bold.width("Winners", 10.0) > Face::Sans.width("Winners", 10.0));
        assert!(Face::Sans.width("Ünïcödé ключ", 10.0) > 0.0);
        assert_eq!(Face::Sans.width("", 10.0), 0.0);
    }
}
