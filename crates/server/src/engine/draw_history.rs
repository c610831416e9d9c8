//! Every draw ever made for one giveaway, `/v1` post or chat giveaway, in log order: an
//! operator who draws, dislikes the result and draws again cannot hide the first draw, because
//! both are in the transparency log and both are listed here, numbered. And the names a draw's
//! page may show beside its participant ids (`fairdraw_core::names`), never an e-mail address.

use super::comment_draws::source::parse_source;
use super::draws::parse_result_hash;
use super::{Engine, EngineError, EngineResult};
use fairdraw_core::names;
use fairdraw_store::StoreError;
use fairdraw_store::draw_history::{DrawOwner, SubjectDraw};
use std::collections::HashMap;

/// What a list of draws is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DrawSubject {
    /// A `/v2` giveaway.
    Giveaway(i64),
    /// A `/v1` post, whoever drew it: `key` is the post (`platform:id`, `upload:<id>`).
    Post { url: String, key: String },
    /// An `/external` chat giveaway.
    ChatGiveaway(i64),
}

impl DrawSubject {
    /// The subject a `/v1` URL names (two spellings of one post are one subject).
    pub fn post(url: &str) -> EngineResult<DrawSubject> {
        let source = parse_source(url).map_err(EngineError::BadRequest)?;
        Ok(DrawSubject::Post {
            url: url.trim().to_owned(),
            key: source.key(),
        })
    }

    /// "giveaway", "post" or "chat giveaway": what the verify page calls it.
    pub fn noun(&self) -> &'static str {
        match self {
            DrawSubject::Giveaway(_) => "giveaway",
            DrawSubject::Post { .. } => "post",
            DrawSubject::ChatGiveaway(_) => "chat giveaway",
        }
    }
}

/// The draws of one subject, oldest first; `number` of a draw is its position here, from 1.
#[derive(Clone, Debug)]
pub struct DrawHistory {
    pub subject: DrawSubject,
    pub draws: Vec<SubjectDraw>,
}

impl DrawHistory {
    /// `(n, m)`: the draw `result_hash` is draw n of m, when it is one of these.
    pub fn position(&self, result_hash: &str) -> Option<(usize, usize)> {
        self.draws
            .iter()
            .position(|d| d.result_hash == result_hash)
            .map(|i| (i + 1, self.draws.len()))
    }
}

/// What the verify page and the PDF add to a certificate: its subject's draws, and the names
/// of the ids it lists that may be shown.
#[derive(Clone, Debug, Default)]
pub struct DrawContext {
    pub history: Option<DrawHistory>,
    /// Candidate id → the name to show beside it.
    pub names: HashMap<String, String>,
}

impl Engine {
    /// Every draw of `subject`, in log order (an empty list when it has none, or does not exist:
    /// the answer tells nothing the log does not).
    pub async fn draw_history(&self, subject: DrawSubject) -> EngineResult<DrawHistory> {
        let draws = match &subject {
            DrawSubject::Giveaway(id) => self.db().draws_of_giveaway(*id).await?,
            DrawSubject::Post { key, .. } => self.db().draws_of_post(key).await?,
            DrawSubject::ChatGiveaway(id) => self.db().draws_of_chat_giveaway(*id).await?,
        };
        Ok(DrawHistory { subject, draws })
    }

    /// The subject of the draw whose result hash is `hash`; `None` when no surface owns it.
    pub async fn subject_of_draw(&self, hash: &str) -> EngineResult<Option<DrawSubject>> {
        let hash = parse_result_hash(hash)?;
        let row = self.db().draw_by_result_hash(&hash).await.map_err(|e| match e {
            StoreError::NotFound => EngineError::NotFound("Draw"),
            other => other.into(),
        })?;
        Ok(self.db().owner_of_draw(row.id).await?.map(|owner| match owner {
            DrawOwner::Giveaway(id) => DrawSubject::Giveaway(id),
            DrawOwner::Post { source_key, url } => DrawSubject::Post { url, key: source_key },
            DrawOwner::ChatGiveaway(id) => DrawSubject::ChatGiveaway(id),
        }))
    }

    /// The draws of the same subject as the draw `hash` (404 for an unknown draw).
    pub async fn draw_history_of(&self, hash: &str) -> EngineResult<Option<DrawHistory>> {
        match self.subject_of_draw(hash).await? {
            Some(subject) => Ok(Some(self.draw_history(subject).await?)),
            None => Ok(None),
        }
    }

    /// The draw `hash`'s history and the names of `ids` (its winners and alternates) that the
    /// subject's privacy allows: first name and initial on a giveaway, the handle on a post, the
    /// chat name on a chat giveaway.
    pub async fn draw_context(&self, hash: &str, ids: &[String]) -> EngineResult<DrawContext> {
        let Some(subject) = self.subject_of_draw(hash).await? else {
            return Ok(DrawContext::default());
        };
        let names: HashMap<String, String> = match &subject {
            DrawSubject::Giveaway(id) => self
                .db()
                .participant_names(*id, ids)
                .await?
                .into_iter()
                .filter_map(|(id, name)| names::short_name(&name).map(|n| (id, n)))
                .collect(),
            DrawSubject::Post { .. } => ids
                .iter()
                .filter_map(|id| names::handle(id).map(|n| (id.clone(), n)))
                .collect(),
            DrawSubject::ChatGiveaway(id) => self
                .db()
                .chat_participant_names(*id, ids)
                .await?
                .into_iter()
                .filter_map(|(id, name)| names::chat_name(&name).map(|n| (id, n)))
                .collect(),
        };
        let history = self.draw_history(subject).await?;
        Ok(DrawContext {
            history: Some(history),
            names,
        })
    }

    /// "Was I in this draw?": the pool id of the holder of `token` (the participant token their
    /// entry returned, also in their confirmation e-mail), when the draw `hash` is of their
    /// giveaway. Nothing else about them is answered. Only `/v2` giveaways issue such tokens.
    pub async fn candidate_for_token(&self, hash: &str, token: &str) -> EngineResult<String> {
        let token = token.trim();
        if token.is_empty() {
            return Err(EngineError::BadRequest("participant_token is required.".to_owned()));
        }
        let Some(DrawSubject::Giveaway(giveaway_id)) = self.subject_of_draw(hash).await? else {
            return Err(EngineError::NotFound("Participant"));
        };
        // Tokens issued before keys began with their selector were stored by their hash alone.
        let keys = [
            super::public_entries::participant_token_key(token),
            super::public_entries::token_hash(token),
        ];
        let holder = self
            .db()
            .participant_by_token(giveaway_id, &keys)
            .await?
            .ok_or(EngineError::NotFound("Participant"))?;
        Ok(holder.user_id)
    }
}
