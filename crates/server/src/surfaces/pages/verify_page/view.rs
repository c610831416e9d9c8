//! What the verify page and the PDF certificate show about one published draw, gathered once
//! so both say the same thing, plus the small text helpers they share.

use crate::app::AppState;
use crate::engine::EngineError;
use crate::engine::draw_history::{DrawContext, DrawHistory};
use crate::engine::draws::PublishedDraw;
use fairdraw_core::draw::Certificate;
use std::collections::HashMap;

/// One published draw, as a person sees it: the certificate exactly as published (it holds
/// participant ids, never names or e-mails) and where its parts can be downloaded.
#[derive(Debug, Clone)]
pub struct DrawView {
    pub public_id: String,
    pub title: Option<String>,
    pub certificate: Certificate,
    pub verify_url: String,
    pub certificate_url: String,
    pub pool_url: String,
    pub pdf_url: String,
    /// The instance that issued the certificate (its public URL).
    pub issuer: String,
    /// Winners whose status the organiser removed after the draw: the draw stands as drawn,
    /// and the removal is shown beside it.
    pub removed: Vec<String>,
    /// Wins forfeited since the draw and who replaced them (the draw's audit).
    pub replacements: Vec<fairdraw_store::claims::ReplacementRow>,
    /// The earlier draw whose forfeited win this round was drawn to replace.
    pub replaces_draw: Option<(String, String)>,
    /// Every draw of the same giveaway (or post, or chat giveaway), this one among them.
    pub history: Option<DrawHistory>,
    /// Winner and alternate ids → the name the subject's privacy allows showing beside them.
    pub names: HashMap<String, String>,
}

impl DrawView {
    fn new(issuer: String, draw: PublishedDraw, context: DrawContext) -> DrawView {
        let hash = draw.certificate.result_hash.to_hex();
        DrawView {
            certificate_url: format!("{issuer}/v1/verify/{hash}"),
            public_id: draw.public_id,
            title: Some(draw.giveaway_title).filter(|t| !t.trim().is_empty()),
            certificate: draw.certificate,
            verify_url: draw.verify_url,
            pool_url: draw.pool_url,
            pdf_url: draw.certificate_pdf_url,
            issuer,
            removed: draw.removed_winners,
            replacements: draw.replacements,
            replaces_draw: draw.replaces_draw,
            history: context.history,
            names: context.names,
        }
    }

    /// The draw whose result hash is `hash`; `None` for anything that is not a published draw
    /// (including text that is not a hash at all).
    pub async fn by_hash(state: &AppState, hash: &str) -> Result<Option<DrawView>, EngineError> {
        let issuer = issuer(state);
        let found = state.engine.published_draw_by_hash(&issuer, hash).await;
        match absent_as_none(found)? {
            Some(d) => Ok(Some(with_context(state, issuer, d).await?)),
            None => Ok(None),
        }
    }

    /// The draw with this public id; `None` when there is none.
    pub async fn by_public_id(state: &AppState, public_id: &str) -> Result<Option<DrawView>, EngineError> {
        let issuer = issuer(state);
        let found = state.engine.published_draw_by_public_id(&issuer, public_id).await;
        match absent_as_none(found)? {
            Some(d) => Ok(Some(with_context(state, issuer, d).await?)),
            None => Ok(None),
        }
    }

    /// The name shown beside `id`, when its giveaway allows one.
    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.names.get(id).map(String::as_str)
    }

    /// `(n, m, noun)`: this is draw n of m made for its giveaway (or post, or chat giveaway).
    pub fn draw_number(&self) -> Option<(usize, usize, &'static str)> {
        let history = self.history.as_ref()?;
        let (n, m) = history.position(&self.certificate.result_hash.to_hex())?;
        Some((n, m, history.subject.noun()))
    }

    pub fn was_removed(&self, id: &str) -> bool {
        self.removed.iter().any(|r| r == id)
    }

    /// The heading: the giveaway's title, or a neutral name when there is none.
    pub fn heading(&self) -> &str {
        self.title.as_deref().unwrap_or("A fair draw")
    }

    /// "Winner" or "Winners", as many as were drawn.
    pub fn winners_heading(&self) -> &'static str {
        if self.certificate.winners.len() == 1 {
            "Winner"
        } else {
            "Winners"
        }
    }
}

/// The published draw with its subject's draws and the names its ids may show.
async fn with_context(state: &AppState, issuer: String, draw: PublishedDraw) -> Result<DrawView, EngineError> {
    let cert = &draw.certificate;
    let ids: Vec<String> = cert.winners.iter().chain(&cert.extras).cloned().collect();
    let context = state.engine.draw_context(&cert.result_hash.to_hex(), &ids).await?;
    Ok(DrawView::new(issuer, draw, context))
}

fn issuer(state: &AppState) -> String {
    state.config.public_url.trim_end_matches('/').to_owned()
}

/// For a person following a link, a malformed code and an unknown one are the same answer.
fn absent_as_none<T>(found: Result<T, EngineError>) -> Result<Option<T>, EngineError> {
    match found {
        Ok(found) => Ok(Some(found)),
        Err(EngineError::NotFound(_) | EngineError::BadRequest(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// An RFC 3339 time as people read it, in UTC ("15 June 2026 at 12:00:00 UTC"); anything else
/// is shown as it was written.
pub fn human_time(value: &str) -> String {
    match value.parse::<jiff::Timestamp>() {
        Ok(t) => t.strftime("%-d %B %Y at %H:%M:%S UTC").to_string(),
        Err(_) => value.to_owned(),
    }
}

/// A count with thousands separators, so "1,234,567 tickets" reads at a glance.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The one sentence that says why a commitment matters.
pub fn commitment_sentence(committed_at: Option<&str>) -> String {
    let when = match committed_at {
        Some(t) => format!("was published on {}, before the draw", human_time(t)),
        None => "was published before the draw".to_owned(),
    };
    format!(
        "This fingerprint of the server's secret seed {when}; the seed revealed with the result matches it, \
         so the server could not swap seeds to choose different winners once it saw who had entered."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_counts_read_naturally() {
        assert_eq!(human_time("2026-06-15T12:00:00Z"), "15 June 2026 at 12:00:00 UTC");
        assert_eq!(human_time("2026-06-15T14:00:00+02:00"), "15 June 2026 at 12:00:00 UTC");
        assert_eq!(human_time("soon"), "soon");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
