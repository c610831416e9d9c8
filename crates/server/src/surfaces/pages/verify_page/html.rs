//! The verify page's HTML, written with `format!` and one rule: every value that comes from a
//! draw (ids are arbitrary UTF-8, titles are typed by giveaway owners) goes through [`escape`].

use super::view::{DrawView, commitment_sentence, grouped, human_time};
use std::fmt::Write;

/// Text safe to put between tags and inside double- or single-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page for one draw. The script finds `#fd-verify` and re-runs the draw from the URLs in
/// its data attributes; they are relative, so the check talks to whichever host served the page.
pub fn draw_page(view: &DrawView) -> String {
    let cert = &view.certificate;
    let hash = cert.result_hash.to_hex();
    let drawn = escape(&human_time(&cert.drawn_at));
    let mut winners = String::new();
    if cert.winners.is_empty() {
        winners.push_str("<p>Nobody was drawn: there was no eligible entrant.</p>");
    } else {
        winners.push_str(&id_list(view, "winners", &cert.winners));
    }
    let mut extras = String::new();
    if !cert.extras.is_empty() {
        extras = format!(
            "<h3>Alternates</h3><p class=\"note\">Drawn in the same draw, in this order, to take the place of a \
             winner who cannot accept.</p>{}",
            id_list(view, "extras", &cert.extras)
        );
    }
    let beacon = match (&cert.drand, cert.beacon.is_empty()) {
        (Some(d), _) => {
            // Only a certificate whose round verifies is ever served; say what was checked.
            let checked = if d.verify().is_ok() {
                "signature verified"
            } else {
                "signature NOT verified"
            };
            format!(
                "<code>{}</code><p class=\"note\">drand round <strong data-role=\"drand-round\">{}</strong> of chain \
                 <code>{}</code> ({}), named when the giveaway was published, before anyone could know it. \
                 Randomness <code>{}</code>; BLS signature <code>{}</code>: <strong data-role=\"drand-check\">{}</strong> \
                 against the chain's public key <code>{}</code>.</p>",
                escape(&cert.beacon),
                d.round,
                escape(&d.chain.chain_hash),
                if d.chain.chain_hash == fairdraw_core::beacon::QUICKNET_HASH {
                    "drand quicknet"
                } else {
                    "drand"
                },
                escape(&d.randomness),
                escape(&d.signature),
                checked,
                escape(&d.chain.public_key),
            )
        }
        (None, true) => "none — this draw mixed in no outside randomness".to_owned(),
        (None, false) => format!("<code>{}</code>", escape(&cert.beacon)),
    };
    let round = match cert.round {
        0 => "0 — the first draw of this giveaway".to_owned(),
        n => format!("{n} — draw number {} of this giveaway", u64::from(n) + 1),
    };
    let key = match &cert.public_key {
        Some(k) => format!(
            "<code>{}</code><p class=\"note\">The Ed25519 public key of this server. The certificate's signature \
             over the result hash shows this server issued it.</p>",
            k.to_hex()
        ),
        None => "none — this certificate is not signed".to_owned(),
    };
    let title = escape(view.heading());
    let entrants = grouped(cert.pool_size);
    let tickets = grouped(cert.total_weight);
    let public_id = escape(&view.public_id);
    let verify_url = escape(&view.verify_url);
    let pool_url = escape(&view.pool_url);
    let certificate_url = escape(&view.certificate_url);
    let pdf_url = escape(&view.pdf_url);
    let commitment = cert.commitment.to_hex();
    let committed = escape(&commitment_sentence(cert.committed_at.as_deref()));
    let server_seed = cert.server_seed.to_hex();
    let pool_hash = cert.pool_hash.to_hex();
    let heading = view.winners_heading();
    let replacements = replacements_section(view);
    let history = history_section(view);
    let names_note = names_note(view);
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Draw result: {title} · Fairdraw</title>
<link rel="stylesheet" href="assets/verify.css">
<script src="assets/verify.js" defer></script>
</head>
<body>
<main>
<header>
<p class="brand">Fairdraw · draw certificate</p>
<h1>{title}</h1>
<p class="lead">Drawn on {drawn}, from <strong>{entrants}</strong> entrants holding <strong>{tickets}</strong> tickets in total.</p>
</header>
<section class="winners">
<h2>{heading}</h2>
{winners}
<p class="note">{names_note}</p>
{extras}
</section>
{history}
{replacements}
<section id="fd-verify" class="check" data-state="idle" data-hash="{hash}" data-certificate-url="../v1/verify/{hash}" data-pool-url="../v1/verify/{hash}/pool" data-key-url="../v1/verify/key">
<h2>Check it yourself</h2>
<p class="status" data-role="status">Your browser can re-run this draw here; it needs JavaScript to do so.</p>
<ol class="checks" data-role="checks"></ol>
<p class="note">The check downloads the list of entrants and the certificate, then repeats every step of the published draw protocol with your browser's own SHA-256. It uses nothing from us but those two files and this server's published signing key.</p>
</section>
<section id="fd-self" class="check self" data-state="idle" data-proof-url="../v1/verify/{hash}/proof/" data-token-url="../v1/verify/{hash}/participant">
<h2>Was I in this draw?</h2>
<form data-role="self-form">
<label for="fd-self-input">Your participant id, or the participant token from your confirmation e-mail</label>
<input id="fd-self-input" name="participant" autocomplete="off" autocapitalize="off" spellcheck="false" required>
<button type="submit">Check</button>
</form>
<p class="status" data-role="self-status" aria-live="polite">Your browser checks the answer itself; it needs JavaScript to do so.</p>
<p class="note">Only your own entry comes back: a proof that your id and tickets are one leaf of the pool, which your browser hashes up to the pool root on the certificate (SHA-256, as the draw protocol says). It reveals no other entrant. A token is only used to find your id.</p>
</section>
<section class="facts">
<h2>The facts of this draw</h2>
<dl>
<dt>Drawn</dt><dd>{drawn}</dd>
<dt>Entrants</dt><dd>{entrants}</dd>
<dt>Total tickets</dt><dd>{tickets}<p class="note">Each valid entry is one ticket: more tickets, better odds.</p></dd>
<dt>Commitment</dt><dd><code>{commitment}</code><p class="note">{committed}</p></dd>
<dt>Revealed secret seed</dt><dd><code>{server_seed}</code></dd>
<dt>Public randomness (beacon)</dt><dd>{beacon}</dd>
<dt>Round</dt><dd>{round}</dd>
<dt>Pool hash</dt><dd><code>{pool_hash}</code><p class="note">A fingerprint of every entrant and their tickets.</p></dd>
<dt>Result hash</dt><dd><code>{hash}</code><p class="note">The fingerprint of this result; it is the code in this page's address.</p></dd>
<dt>Signing key</dt><dd>{key}</dd>
<dt>Draw id</dt><dd><code>{public_id}</code></dd>
<dt>This page</dt><dd><a href="{verify_url}">{verify_url}</a></dd>
</dl>
</section>
<section class="downloads">
<h2>Downloads</h2>
<ul>
<li><a href="{pool_url}">The pool</a> — every entrant's id and number of tickets (CSV)</li>
<li><a href="{certificate_url}">The certificate</a> — every value above, signed (JSON)</li>
<li><a href="{pdf_url}">The certificate, printable</a> (PDF)</li>
</ul>
<p class="note">To check without this website: <code>fairdraw verify certificate.json --pool pool.csv</code>, or any program that follows the Fairdraw draw protocol v1.</p>
</section>
</main>
</body>
</html>
"#
    )
}

fn id_list(view: &DrawView, class: &str, ids: &[String]) -> String {
    let mut out = format!("<ol class=\"ids {class}\">");
    for id in ids {
        let removed = if view.was_removed(id) {
            " <span class=\"removed\">removed as a winner by the organiser after the draw</span>"
        } else {
            ""
        };
        let name = match view.name_of(id) {
            Some(name) => format!(" <span class=\"name\">{}</span>", escape(name)),
            None => String::new(),
        };
        let _ = write!(out, "<li><code>{}</code>{name}{removed}</li>", escape(id));
    }
    out.push_str("</ol>");
    out
}

/// Whose names the list shows, and what it never shows.
fn names_note(view: &DrawView) -> String {
    let noun = view.history.as_ref().map(|h| h.subject.noun());
    let shown = match noun {
        Some("giveaway") => "with the first name and initial the giveaway's public pages show",
        Some("post") => "with the commenter's public handle",
        Some("chat giveaway") => "with the chat name the chat platform sent",
        _ => "",
    };
    if shown.is_empty() || view.names.is_empty() {
        "Shown by participant id, exactly as the certificate publishes them: names and e-mail addresses are \
         never published."
            .to_owned()
    } else {
        format!(
            "Shown by participant id, exactly as the certificate publishes them, {shown}. Full names and e-mail \
             addresses are never published."
        )
    }
}

/// "Draw N of M for this giveaway", and a link to each of the others: a re-draw cannot hide
/// the draw it replaced.
fn history_section(view: &DrawView) -> String {
    let (Some(history), Some((n, m, noun))) = (&view.history, view.draw_number()) else {
        return String::new();
    };
    let this = view.certificate.result_hash.to_hex();
    let mut out = format!(
        "<section class=\"history\"><h2>Every draw of this {noun}</h2>\
         <p data-role=\"draw-number\">This is <strong>draw {n} of {m}</strong> for this {noun}.</p>"
    );
    if noun == "post" {
        out.push_str("<p class=\"note\">Every draw of this post made on this server, by any organiser.</p>");
    }
    out.push_str(
        "<p class=\"note\">Every draw is appended to this server's public transparency log the moment it is made; \
         the serial is its place there, so no draw can be made and then hidden.</p><ol class=\"draws\">",
    );
    for (i, d) in history.draws.iter().enumerate() {
        let when = escape(&human_time(&fairdraw_core::time::format_rfc3339(d.drawn_at)));
        let hash = escape(&d.result_hash);
        let label = format!("Draw {} of {m}", i + 1);
        let link = if d.result_hash == this {
            format!("<strong>{label}</strong> (this draw)")
        } else {
            format!("<a href=\"{hash}\">{label}</a>")
        };
        let _ = write!(
            out,
            "<li data-log-index=\"{idx}\">{link}: <code>{id}</code>, drawn {when}, log serial {idx}.</li>",
            idx = d.log_index,
            id = escape(&d.public_id),
        );
    }
    out.push_str("</ol></section>");
    out
}

/// What a visitor typed to reach a draw, for the hint on the 404 page.
#[derive(Debug, Clone, Copy)]
pub enum Code {
    /// A verification hash, from `/verify/{hash}`.
    Hash,
    /// A draw id, from `/cert/{id}.pdf`.
    DrawId,
}

/// The friendly answer for a code that names no draw. `assets` is the relative path from the
/// requested page to the verify page's assets, so the page works behind a path prefix too.
pub fn not_found_page(code: &str, kind: Code, assets: &str) -> String {
    let code = escape(code);
    let hint = match kind {
        Code::Hash => "a draw's code is 64 characters long, using the digits 0–9 and the letters a–f",
        Code::DrawId => "a certificate's address ends with the draw's id and .pdf, as in /cert/drw_….pdf",
    };
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Draw not found · Fairdraw</title>
<link rel="stylesheet" href="{assets}verify.css">
</head>
<body>
<main>
<header><p class="brand">Fairdraw · draw certificate</p><h1>We could not find this draw</h1></header>
<section>
<p>No draw has the code <code>{code}</code>.</p>
<p class="note">Check that the address was copied whole: {hint}. If the link came from a giveaway's organiser, ask them for the draw's verification link again.</p>
</section>
</main>
</body>
</html>
"#
    )
}

/// The answer when the draw could not be read, without internal detail.
pub fn error_page(assets: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Something went wrong · Fairdraw</title>
<link rel="stylesheet" href="{assets}verify.css"></head>
<body><main><header><p class="brand">Fairdraw · draw certificate</p><h1>Something went wrong</h1></header>
<section><p>This draw could not be loaded just now. Please try again in a moment.</p></section></main></body>
</html>
"#
    )
}

/// Winners who must claim: every win of this draw forfeited since (claim expired, or
/// disqualified) and who took it over, by the rule (the next alternate in the order above) or,
/// when none was left, by a new round, linked. And, on such a round, the draw it replaces.
fn replacements_section(view: &DrawView) -> String {
    let mut out = String::new();
    if let Some((public_id, hash)) = &view.replaces_draw {
        let _ = write!(
            out,
            "<section class=\"replacements\"><h2>Why this draw was made</h2><p>This round was drawn because \
             every alternate of draw <a href=\"{hash}\"><code>{id}</code></a> had been used or could no longer win.</p></section>",
            hash = escape(hash),
            id = escape(public_id),
        );
    }
    if view.replacements.is_empty() {
        return out;
    }
    out.push_str(
        "<section class=\"replacements\"><h2>Replacements</h2><p class=\"note\">A winner who did not claim in \
         time, or was disqualified, is replaced by the next alternate of this draw in the order published above; \
         when none is left, a giveaway draws a new round (a chat giveaway or comment draw is not drawn again).</p>\
         <ol class=\"replacements\">",
    );
    for r in &view.replacements {
        let why = match r.reason.as_str() {
            "expired" => "did not claim the prize in time".to_owned(),
            _ => match r.note.as_deref() {
                Some(note) => format!("was disqualified by the organiser ({})", escape(note)),
                None => "was disqualified by the organiser".to_owned(),
            },
        };
        let who = if r.actor == "scheduler" {
            "automatically, at the deadline"
        } else {
            "by the organiser"
        };
        let successor = match (&r.new_candidate_id, r.alternate_position, &r.new_draw_result_hash) {
            (Some(id), Some(pos), _) => format!("replaced by alternate #{} <code>{}</code>", pos + 1, escape(id)),
            (Some(id), None, Some(hash)) => format!(
                "no alternate was left: replaced by <code>{}</code>, drawn in <a href=\"{}\">a new round</a>",
                escape(id),
                escape(hash)
            ),
            (None, _, Some(hash)) => format!(
                "no alternate was left: <a href=\"{}\">a new round</a> was drawn",
                escape(hash)
            ),
            _ => "nobody was left to replace them".to_owned(),
        };
        let when = escape(&human_time(&fairdraw_core::time::format_rfc3339(r.created_at)));
        let _ = write!(
            out,
            "<li data-reason=\"{reason}\"><code>{old}</code> {why}; {successor}. <span class=\"note\">{when}, {who}.</span></li>",
            reason = escape(&r.reason),
            old = escape(&r.old_candidate_id),
        );
    }
    out.push_str("</ol></section>");
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_both_quotes() {
        assert_eq!(
            escape(r#"<b>&"it's"</b>"#),
            "&lt;b&gt;&amp;&quot;it&#39;s&quot;&lt;/b&gt;"
        );
        assert_eq!(escape("plain ünïcode"), "plain ünïcode");
    }
}
