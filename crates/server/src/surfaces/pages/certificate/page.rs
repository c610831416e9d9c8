//! What goes where on the one A4 page: header, winners, the facts, and the way to re-check.
//! Blocks below the winners are measured first, so the winners get whatever room is left and
//! the page never overflows; a list too long for it ends with "… and N more".

use super::fonts::Face;
use super::layout::{ACCENT, INK, Layout, MUTED, RULE, Style, wrap};
use crate::surfaces::pages::verify_page::view::{DrawView, commitment_sentence, grouped, human_time};

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 48.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const LABEL_W: f32 = 122.0;
const QR_SIZE: f32 = 118.0;
const CHECK_H: f32 = QR_SIZE + 22.0;

const KICKER: Style = Style::new(Face::Bold, 8.5, ACCENT);
const TITLE: Style = Style::new(Face::Bold, 22.0, INK);
const LEAD: Style = Style::new(Face::Sans, 11.0, INK);
const HEADING: Style = Style::new(Face::Bold, 12.5, INK);
const LABEL: Style = Style::new(Face::Bold, 8.0, MUTED);
const VALUE: Style = Style::new(Face::Sans, 8.5, INK);
const HASH: Style = Style::new(Face::Mono, 7.8, INK);
const NOTE: Style = Style::new(Face::Sans, 7.5, MUTED);
const URL: Style = Style::new(Face::Mono, 8.5, ACCENT);

/// Lays out the whole certificate. The QR code is placed by the caller at [`qr_box`].
pub fn compose(view: &DrawView) -> Layout {
    let mut l = Layout::default();
    l.rect(0.0, 0.0, PAGE_W, 7.0, ACCENT);
    let mut y = header(&mut l, view, MARGIN);

    // The facts follow the winners; the winners may use all the room the facts leave.
    let check_top = PAGE_H - MARGIN - CHECK_H;
    let facts_h = facts(&mut Layout::default(), view, 0.0);
    let lowest_facts_top = check_top - 14.0 - facts_h;
    y = winners(&mut l, view, y + 14.0, lowest_facts_top - 18.0);
    let facts_top = (y + 18.0).min(lowest_facts_top);
    l.rect(MARGIN, facts_top - 9.0, CONTENT_W, 0.6, RULE);
    facts(&mut l, view, facts_top);

    l.rect(MARGIN, check_top, CONTENT_W, 0.6, RULE);
    check_yourself(&mut l, view, check_top + 12.0);
    footer(&mut l, view);
    l
}

/// Where the QR code of the verify URL goes: left, top, size.
pub fn qr_box() -> (f32, f32, f32) {
    (MARGIN - 6.0, PAGE_H - MARGIN - CHECK_H + 12.0, QR_SIZE)
}

fn header(l: &mut Layout, view: &DrawView, top: f32) -> f32 {
    let cert = &view.certificate;
    let mut y = l.lines(
        KICKER,
        MARGIN,
        top,
        &["FAIRDRAW  ·  CERTIFICATE OF A FAIR DRAW".to_owned()],
    );
    y += 6.0;
    y = l.lines(TITLE, MARGIN, y, &wrap(TITLE, CONTENT_W, view.heading(), 3));
    y += 4.0;
    let drawn = format!("Drawn on {}", human_time(&cert.drawn_at));
    y = l.lines(LEAD, MARGIN, y, &wrap(LEAD, CONTENT_W, &drawn, 2));
    let mut size = format!(
        "{} entrants holding {} tickets in total",
        grouped(cert.pool_size),
        grouped(cert.total_weight)
    );
    if let Some((n, m, noun)) = view.draw_number() {
        size.push_str(&format!("  ·  draw {n} of {m} for this {noun}"));
    }
    let muted = Style { color: MUTED, ..LEAD };
    l.lines(muted, MARGIN, y, &wrap(muted, CONTENT_W, &size, 2))
}

/// The winners and alternates between `top` and `bottom`, in the largest type that shows them
/// all (mono from 12 pt down to 6 pt); returns the top edge below them.
fn winners(l: &mut Layout, view: &DrawView, top: f32, bottom: f32) -> f32 {
    const SIZES: [f32; 6] = [12.0, 10.5, 9.0, 8.0, 7.0, 6.0];
    let size = SIZES
        .into_iter()
        .find(|&size| winners_at(&mut Layout::default(), view, top, bottom, size).1)
        .unwrap_or(6.0);
    winners_at(l, view, top, bottom, size).0
}

/// Lays out the winners at one size; says whether every id found room.
fn winners_at(l: &mut Layout, view: &DrawView, top: f32, bottom: f32, size: f32) -> (f32, bool) {
    let cert = &view.certificate;
    let item = Style::new(Face::Mono, size, INK);
    let mut y = l.lines(HEADING, MARGIN, top, &[view.winners_heading().to_owned()]) + 3.0;
    let mut complete = true;
    if cert.winners.is_empty() {
        y = l.lines(
            VALUE,
            MARGIN,
            y,
            &["Nobody was drawn: there was no eligible entrant.".to_owned()],
        );
    } else {
        // Keep room for the note, and for at least a line about the alternates.
        let alternates = if cert.extras.is_empty() {
            0.0
        } else {
            NOTE.leading + 8.0
        };
        let list_bottom = bottom - 2.0 * NOTE.leading - 4.0 - alternates;
        (y, complete) = id_list(l, item, y, list_bottom, &marked(view, &cert.winners));
    }
    let mut note = if view.names.is_empty() {
        "Shown by participant id, exactly as the certificate publishes them; \
         names and e-mail addresses are never published."
    } else {
        "Shown by participant id, exactly as the certificate publishes them, with the name the \
         giveaway's privacy allows; full names and e-mail addresses are never published."
    }
    .to_owned();
    if !view.removed.is_empty() {
        note.push_str(" † Removed as a winner by the organiser after the draw; the draw stands as drawn.");
    }
    y = l.lines(NOTE, MARGIN, y + 2.0, &wrap(NOTE, CONTENT_W, &note, 2));
    if cert.extras.is_empty() {
        return (y, complete);
    }
    y += 8.0;
    if y + HEADING.leading + item.leading > bottom {
        let more = format!("{} alternates: see the verify page.", cert.extras.len());
        return (
            if y + NOTE.leading <= bottom {
                l.lines(NOTE, MARGIN, y, &[more])
            } else {
                y
            },
            false,
        );
    }
    y = l.lines(
        Style::new(Face::Bold, 10.0, INK),
        MARGIN,
        y,
        &["Alternates, in order".to_owned()],
    ) + 2.0;
    let (y, extras_complete) = id_list(l, item, y, bottom, &marked(view, &cert.extras));
    (y, complete && extras_complete)
}

/// The ids as listed, each with the name its giveaway allows showing and the organiser's
/// later removals noted beside them.
fn marked(view: &DrawView, ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|id| {
            let mut item = match view.name_of(id) {
                Some(name) => format!("{id} — {name}"),
                None => id.clone(),
            };
            if view.was_removed(id) {
                item.push_str(" †");
            }
            item
        })
        .collect()
}

/// Numbered ids in as many columns as fit (up to four); one column, wrapping, for long ids.
/// Returns the top edge below the list, and whether every id found room.
fn id_list(l: &mut Layout, style: Style, top: f32, bottom: f32, ids: &[String]) -> (f32, bool) {
    let digits = ids.len().to_string().len();
    let items: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| format!("{:>digits$}. {id}", i + 1))
        .collect();
    let gap = 14.0;
    let rows_fit = ((bottom - top) / style.leading).floor().max(0.0) as usize;
    let widest = items.iter().map(|s| style.width(s)).fold(0.0_f32, f32::max);
    // Columns only when one would not hold the list, and only when the ids are short enough.
    let columns = if items.len() > rows_fit && widest * 2.0 + gap <= CONTENT_W {
        (((CONTENT_W + gap) / (widest + gap)) as usize).clamp(1, 4)
    } else {
        1
    };
    let more_line = |l: &mut Layout, y: f32, shown: usize| {
        let more = format!("… and {} more: see the verify page.", ids.len() - shown);
        l.lines(
            Style {
                leading: style.leading,
                ..NOTE
            },
            MARGIN,
            y,
            &[more],
        )
    };
    if columns > 1 {
        let mut rows = items.len().div_ceil(columns);
        let mut shown = items.len();
        if rows > rows_fit {
            rows = rows_fit.saturating_sub(1);
            shown = rows * columns;
        }
        if rows == 0 {
            return (if rows_fit > 0 { more_line(l, top, 0) } else { top }, false);
        }
        let column_w = (CONTENT_W + gap) / columns as f32;
        for (i, item) in items.iter().take(shown).enumerate() {
            let (col, row) = (i / rows, i % rows);
            l.text(
                style,
                MARGIN + col as f32 * column_w,
                top + row as f32 * style.leading + style.size,
                item.clone(),
            );
        }
        let y = top + rows as f32 * style.leading;
        return if shown < items.len() {
            (more_line(l, y, shown), false)
        } else {
            (y, true)
        };
    }
    let indent = style.width(&format!("{:>digits$}. ", 0));
    let mut y = top;
    for (i, item) in items.iter().enumerate() {
        let lines = wrap(style, CONTENT_W - indent, &item[digits + 2..], 4);
        let last = i + 1 == items.len();
        let need = lines.len() as f32 * style.leading + if last { 0.0 } else { style.leading };
        if y + need > bottom {
            return (
                if y + style.leading <= bottom {
                    more_line(l, y, i)
                } else {
                    y
                },
                false,
            );
        }
        l.text(style, MARGIN, y + style.size, item[..digits + 2].to_owned());
        y = l.lines(style, MARGIN + indent, y, &lines);
    }
    (y, true)
}

/// The facts table; returns its height.
fn facts(l: &mut Layout, view: &DrawView, top: f32) -> f32 {
    let cert = &view.certificate;
    let round = match cert.round {
        0 => "0 (the first draw of this giveaway)".to_owned(),
        n => format!("{n} (draw number {} of this giveaway)", u64::from(n) + 1),
    };
    let beacon = if cert.beacon.is_empty() {
        "none".to_owned()
    } else {
        cert.beacon.clone()
    };
    let committed = cert
        .committed_at
        .as_deref()
        .map(human_time)
        .unwrap_or_else(|| "not stated".to_owned());
    let key = cert.public_key.as_ref().map(|k| k.to_hex());
    let signature = cert.signature.as_ref().map(|s| s.to_hex());
    let unsigned = || "none (unsigned)".to_owned();
    let rows: Vec<(&str, Style, String, Option<String>)> = vec![
        ("Entrants", VALUE, grouped(cert.pool_size), None),
        (
            "Total tickets",
            VALUE,
            format!("{} (each valid entry is one ticket)", grouped(cert.total_weight)),
            None,
        ),
        (
            "Commitment",
            HASH,
            cert.commitment.to_hex(),
            Some(commitment_sentence(cert.committed_at.as_deref())),
        ),
        ("Committed at", VALUE, committed, None),
        ("Revealed secret seed", HASH, cert.server_seed.to_hex(), None),
        (
            "Public randomness",
            if cert.beacon.is_empty() { VALUE } else { HASH },
            beacon,
            None,
        ),
        ("Round", VALUE, round, None),
    ];
    let mut rows = rows;
    if let Some(d) = &cert.drand {
        let checked = if d.verify().is_ok() {
            "signature verified"
        } else {
            "signature NOT verified"
        };
        rows.extend([
            (
                "drand chain",
                HASH,
                d.chain.chain_hash.clone(),
                Some(if d.chain.chain_hash == fairdraw_core::beacon::QUICKNET_HASH {
                    "drand quicknet, the League of Entropy's public chain".to_owned()
                } else {
                    "a drand chain".to_owned()
                }),
            ),
            (
                "drand round",
                VALUE,
                d.round.to_string(),
                Some(format!("named at publication; BLS {checked} against the chain's key")),
            ),
            ("drand randomness", HASH, d.randomness.clone(), None),
            ("drand signature", HASH, d.signature.clone(), None),
        ]);
    }
    rows.extend([
        ("Pool hash", HASH, cert.pool_hash.to_hex(), None),
        ("Pool root", HASH, cert.pool_root.to_hex(), None),
        ("Draw seed", HASH, cert.draw_seed.to_hex(), None),
        ("Result hash", HASH, cert.result_hash.to_hex(), None),
        (
            "Signature",
            if signature.is_some() { HASH } else { VALUE },
            signature.unwrap_or_else(unsigned),
            None,
        ),
        (
            "Signing key",
            if key.is_some() { HASH } else { VALUE },
            key.unwrap_or_else(unsigned),
            None,
        ),
        ("Draw id", HASH, view.public_id.clone(), None),
        ("Protocol", VALUE, cert.protocol.clone(), None),
    ]);
    let value_x = MARGIN + LABEL_W;
    let value_w = CONTENT_W - LABEL_W;
    let mut y = top;
    for (label, style, value, note) in rows {
        l.text(LABEL, MARGIN, y + style.size, label);
        let mut below = l.lines(style, value_x, y, &wrap(style, value_w, &value, 3));
        if let Some(note) = note {
            below = l.lines(NOTE, value_x, below, &wrap(NOTE, value_w, &note, 3));
        }
        y = below + 2.5;
    }
    y - top
}

fn check_yourself(l: &mut Layout, view: &DrawView, top: f32) {
    let x = MARGIN + QR_SIZE + 12.0;
    let w = PAGE_W - MARGIN - x;
    let mut y = l.lines(HEADING, x, top, &["Check this draw yourself".to_owned()]) + 2.0;
    y = l.lines(VALUE, x, y, &["Scan the code, or open this address:".to_owned()]) + 1.0;
    let url_lines = wrap(URL, w, &view.verify_url, 3);
    let url_w = url_lines.iter().map(|s| URL.width(s)).fold(0.0_f32, f32::max);
    let below = l.lines(URL, x, y, &url_lines);
    l.link(x, y, url_w, below - y, &view.verify_url);
    y = below + 4.0;
    let how = "The page downloads the list of entrants and this certificate, re-runs the draw in your \
               browser and says whether every value matches. Without a browser, download both and run:";
    y = l.lines(NOTE, x, y, &wrap(NOTE, w, how, 3)) + 1.0;
    let command = Style::new(Face::Mono, 7.5, INK);
    l.lines(
        command,
        x,
        y,
        &wrap(command, w, "fairdraw verify certificate.json --pool pool.csv", 2),
    );
}

fn footer(l: &mut Layout, view: &DrawView) {
    let text = format!("Issued by {}  ·  Fairdraw draw protocol v1", view.issuer);
    l.lines(NOTE, MARGIN, PAGE_H - 30.0, &wrap(NOTE, CONTENT_W, &text, 1));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surfaces::pages::certificate::layout::Op;
    use fairdraw_core::draw::{Candidate, Certificate, DrawInput, Pool, ServerKey, ServerSeed, draw};

    /// A signed draw of `winners` + `extras` from `n` candidates whose ids are `id(i)`.
    fn sample(n: usize, winners: u32, extras: u32, id: impl Fn(usize) -> String, title: &str) -> DrawView {
        let pool = Pool::new((0..n).map(|i| Candidate::new(id(i), 1 + (i as u64 % 5))).collect()).unwrap();
        let input = DrawInput {
            server_seed: ServerSeed([7; 32]),
            round: 3,
            beacon: "drand 4211337 a6e5b4c3d2e1f0a6e5b4c3d2e1f0a6e5b4c3d2e1f0a6e5b4c3d2e1f0a6e5b4c3d2e1f0".to_owned(),
            winners,
            extras,
        };
        let outcome = draw(&pool, &input);
        let mut cert = Certificate::new(&outcome, &input, "2026-12-26T09:30:00Z");
        cert.committed_at = Some("2026-11-30T18:00:00Z".to_owned());
        cert.sign(&ServerKey::from_seed(&[3; 32]));
        let hash = cert.result_hash.to_hex();
        let removed = cert.winners.iter().take(1).cloned().collect();
        DrawView {
            public_id: "drw_0123456789abcdef0123".to_owned(),
            title: Some(title.to_owned()),
            certificate: cert,
            verify_url: format!("https://giveaways.example.com/verify/{hash}"),
            certificate_url: format!("https://giveaways.example.com/v1/verify/{hash}"),
            pool_url: format!("https://giveaways.example.com/v1/verify/{hash}/pool"),
            pdf_url: "https://giveaways.example.com/cert/drw_0123456789abcdef0123.pdf".to_owned(),
            issuer: "https://giveaways.example.com".to_owned(),
            removed,
            replacements: Vec::new(),
            replaces_draw: None,
            history: None,
            names: Default::default(),
        }
    }

    fn assert_on_page(view: &DrawView) {
        let layout = compose(view);
        for op in &layout.ops {
            if let Op::Text {
                face, size, x, y, text, ..
            } = op
            {
                let right = x + face.width(text, *size);
                assert!(
                    *x >= MARGIN - 0.01 && right <= PAGE_W - MARGIN + 0.01,
                    "too wide: {text:?} ends at {right}"
                );
                assert!(*y > MARGIN && *y < PAGE_H - 20.0, "off the page: {text:?} at {y}");
            }
        }
        let mut baselines: Vec<(f32, f32)> = layout
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Text { x, y, .. } => Some((*x, *y)),
                _ => None,
            })
            .collect();
        baselines.sort_by(|a, b| a.partial_cmp(b).unwrap());
        baselines.dedup();
        let count = baselines.len();
        let texts = layout.ops.iter().filter(|op| matches!(op, Op::Text { .. })).count();
        assert_eq!(count, texts, "two texts share a baseline and a left edge");
    }

    #[test]
    fn a_small_draw_fits_and_lists_every_winner() {
        let view = sample(5, 2, 0, |i| format!("user-{i}"), "Holiday Giveaway 2026");
        assert_on_page(&view);
        let layout = compose(&view);
        for w in &view.certificate.winners {
            let listed = layout
                .ops
                .iter()
                .any(|op| matches!(op, Op::Text { text, .. } if text.contains(w.as_str())));
            assert!(listed, "{w} not listed");
        }
    }

    #[test]
    fn a_large_draw_with_long_ids_and_title_still_fits() {
        let long_title = "The Great Big Summer Giveaway With An Unreasonably Long Title ".repeat(4);
        let uuid = |i: usize| format!("{i:08x}-1d2c-4b3a-9f8e-7d6c5b4a3{i:03x}");
        assert_on_page(&sample(5000, 100, 60, uuid, &long_title));
        let long = |i: usize| format!("{}-{i}", "an-extremely-long-participant-identifier".repeat(3));
        assert_on_page(&sample(40, 12, 5, long, "Short"));
        assert_on_page(&sample(0, 3, 0, uuid, ""));
    }
}
