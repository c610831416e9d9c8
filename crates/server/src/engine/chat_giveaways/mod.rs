//! Chat giveaways (`/external`): created by a partner's chat platform, joined by its users
//! through the partner's backend or the chat widget, drawn by the scheduler at their end, and
//! reported back to the partner's `winnerListUrl`.
//!
//! - this file: create, read, list, patch, cancel (validation is core's `chat::input`);
//! - `joins.rs`: joining, with the batched writer that keeps joins fast;
//! - `draw.rs`: the draw at the end and the notices to the partner;
//! - `secrets.rs`: the brand's external signing secret and widget signatures;
//! - `claims.rs`: winners who must claim, confirmed by the partner (`engine/result_claims.rs`).

mod claims;
mod draw;
mod joins;
mod secrets;

pub use draw::{ChatDrawError, DRAW_JOB, NOTIFY_JOB, Notice};
pub use joins::{ChatJoiner, JoinError, JoinTarget, Joined};
pub use secrets::{sign_hex, widget_sig};

use super::cache::EntryConfigCache;
use super::{Engine, EngineError, EngineResult, Principal, random_bytes};
use fairdraw_core::beacon::{BeaconKind, FairnessInput, NamedRound};
use fairdraw_core::chat::{ChatGiveawaySpec, ChatStatus, Raw, Rules, validate_create, validate_patch};
use fairdraw_core::draw::ServerSeed;
use fairdraw_core::page::{PageInfo, PageRequest};
use fairdraw_store::StoreError;
use fairdraw_store::chat_giveaways::{ChatFilter, ChatGiveawayRow, NewChatGiveaway};
use std::sync::Arc;
use std::time::Instant;

/// Problems with a request, one message each (the `/external` 400).
#[derive(Debug)]
pub struct Problems(pub Vec<String>);

/// What a create or patch can fail with.
#[derive(Debug)]
pub enum ChatError {
    Invalid(Problems),
    Engine(EngineError),
}

impl From<EngineError> for ChatError {
    fn from(e: EngineError) -> Self {
        ChatError::Engine(e)
    }
}

impl From<StoreError> for ChatError {
    fn from(e: StoreError) -> Self {
        ChatError::Engine(e.into())
    }
}

/// A stored chat giveaway, parsed.
#[derive(Clone, Debug)]
pub struct ChatGiveaway {
    pub row: ChatGiveawayRow,
    pub spec: ChatGiveawaySpec,
}

impl ChatGiveaway {
    fn from_row(row: ChatGiveawayRow) -> EngineResult<ChatGiveaway> {
        let spec = serde_json::from_str(&row.spec)
            .map_err(|e| EngineError::Internal(format!("chat giveaway {}: stored spec: {e}", row.id).into()))?;
        Ok(ChatGiveaway { row, spec })
    }

    pub fn id(&self) -> i64 {
        self.row.id
    }

    /// The stored outcome (FINISHED or CANCELLED), if any.
    pub fn outcome(&self) -> Option<ChatStatus> {
        self.row.outcome.as_deref().and_then(ChatStatus::parse)
    }

    /// The drand round named at creation, if the giveaway draws on one.
    pub fn beacon_round(&self) -> EngineResult<Option<NamedRound>> {
        crate::engine::beacon::parse_named(self.row.beacon_round.as_deref())
    }

    pub fn status(&self, now: i64) -> ChatStatus {
        ChatStatus::at(self.outcome(), self.row.start_at, now)
    }
}

/// What the join path reads about a giveaway, kept for a moment (see `engine/cache.rs`).
#[derive(Debug)]
pub struct ChatConfig {
    pub giveaway: ChatGiveaway,
    pub rules: Rules,
}

/// The chat giveaways' cache type, held by the engine.
pub type ChatCache = EntryConfigCache<ChatConfig>;

fn not_found(e: StoreError) -> EngineError {
    match e {
        StoreError::NotFound => EngineError::NotFound("Giveaway"),
        other => other.into(),
    }
}

/// The beacon a request asked for (`None`: it did not say), or why its value is wrong.
type AskedBeacon = Result<Option<BeaconKind>, String>;

/// Takes the `fairness` field (`{"beacon": "drand" | "none"}`, or a form's `fairness.beacon`)
/// out of a request's fields, checked.
fn take_fairness(fields: Vec<(String, Raw)>) -> (Vec<(String, Raw)>, AskedBeacon) {
    let mut asked = Ok(None);
    let mut rest = Vec::with_capacity(fields.len());
    for (name, raw) in fields {
        let parsed = match (name.as_str(), &raw) {
            ("fairness", Raw::Json(serde_json::Value::Null)) => Ok(None),
            ("fairness", Raw::Json(v @ serde_json::Value::Object(_))) => {
                serde_json::from_value::<FairnessInput>(v.clone())
                    .map_err(|e| e.to_string())
                    .and_then(|f| f.kind())
            }
            ("fairness", _) => Err("must be an object like {\"beacon\": \"drand\"}".to_owned()),
            ("fairness.beacon", Raw::Text(s)) => BeaconKind::parse(s)
                .map(Some)
                .ok_or_else(|| "Use \"drand\" or \"none\".".to_owned()),
            _ => {
                rest.push((name, raw));
                continue;
            }
        };
        asked = parsed.map_err(|m| format!("fairness.beacon: {m}"));
    }
    (rest, asked)
}

/// The longest page of a list.
pub const MAX_LIMIT: i64 = 100;

impl Engine {
    /// Creates a chat giveaway from a request's fields (JSON or form), committing its seed.
    /// Uploaded images are stored and served from `{public_url}/media/…`. Nothing is stored when
    /// anything is wrong.
    pub async fn create_chat_giveaway(
        &self,
        who: &Principal,
        fields: Vec<(String, Raw)>,
        public_url: &str,
        allow_private: bool,
    ) -> Result<ChatGiveaway, ChatError> {
        let now = self.now_ms();
        let (fields, asked) = take_fairness(fields);
        let validated = validate_create(fields, now);
        let (mut v, asked) = match (validated, asked) {
            (Ok(v), Ok(asked)) => (v, asked),
            (Err(mut p), Err(more)) => {
                p.push(more);
                return Err(ChatError::Invalid(Problems(p)));
            }
            (Err(p), _) => return Err(ChatError::Invalid(Problems(p))),
            (_, Err(more)) => return Err(ChatError::Invalid(Problems(vec![more]))),
        };
        check_winner_url(&v.spec, allow_private)?;
        if let Some(image) = v.image.take() {
            v.spec.pic = Some(self.store_media(who.brand_id, &image, public_url).await?);
        }
        // Signing needs the secret later; make it now so the partner can fetch it at once.
        self.ensure_external_secret(who.brand_id).await?;
        let seed = ServerSeed(random_bytes());
        let spec = &v.spec;
        // Created is committed: a giveaway drawing on drand names its round now, with the seed.
        let beacon_round = (self.beacon_kind(asked) == BeaconKind::Drand)
            .then(|| serde_json::to_string(&self.name_round(spec.end_at)))
            .transpose()
            .map_err(|e| EngineError::Internal(e.into()))?;
        let id = self
            .db()
            .create_chat_giveaway(
                &NewChatGiveaway {
                    brand_id: who.brand_id,
                    spec: serde_json::to_string(spec).map_err(|e| EngineError::Internal(e.into()))?,
                    start_at: spec.start_at,
                    end_at: spec.end_at,
                    max_participants: spec.max_participants.map(i64::from),
                    room_ids: &spec.room_ids,
                    seed: seed.0.to_vec(),
                    commitment: seed.commitment().to_hex(),
                    beacon_round,
                    now,
                },
                |id| draw::draw_job(id, spec.end_at),
            )
            .await?;
        Ok(self.chat_giveaway(who, id).await?)
    }

    async fn store_media(
        &self,
        brand_id: i64,
        image: &fairdraw_core::chat::Image,
        public_url: &str,
    ) -> EngineResult<String> {
        let id = format!("m_{}", hex::encode(random_bytes::<12>()));
        self.db()
            .insert_media(
                &id,
                brand_id,
                image.ext,
                image.content_type,
                &image.bytes,
                self.now_ms(),
            )
            .await?;
        Ok(format!("{}/media/{id}.{}", public_url.trim_end_matches('/'), image.ext))
    }

    /// An uploaded image by its file name (`<id>.<ext>`): content type, bytes, and whether it is
    /// a contest photo (which moderation can still withdraw, so it is not cached for long).
    /// Contest photos that are not approved are "not found" (store `public_media`).
    pub async fn media(&self, file: &str) -> EngineResult<(String, Vec<u8>, bool)> {
        let (id, ext) = file.rsplit_once('.').ok_or(EngineError::NotFound("Media"))?;
        let (stored_ext, content_type, bytes, is_photo) = self.db().public_media(id).await.map_err(|e| match e {
            StoreError::NotFound => EngineError::NotFound("Media"),
            other => other.into(),
        })?;
        if stored_ext != ext {
            return Err(EngineError::NotFound("Media"));
        }
        Ok((content_type, bytes, is_photo))
    }

    /// A chat giveaway of the caller's brand.
    pub async fn chat_giveaway(&self, who: &Principal, id: i64) -> EngineResult<ChatGiveaway> {
        let g = ChatGiveaway::from_row(self.db().chat_giveaway(id).await.map_err(not_found)?)?;
        if g.row.brand_id != who.brand_id {
            return Err(EngineError::NotFound("Giveaway"));
        }
        Ok(g)
    }

    /// A chat giveaway whoever asks (the widget), by id.
    pub async fn public_chat_giveaway(&self, id: i64) -> EngineResult<ChatGiveaway> {
        ChatGiveaway::from_row(self.db().chat_giveaway(id).await.map_err(not_found)?)
    }

    /// The caller's chat giveaways, newest first.
    pub async fn list_chat_giveaways(
        &self,
        who: &Principal,
        status: Option<ChatStatus>,
        room_id: Option<String>,
        page: PageRequest,
    ) -> EngineResult<(Vec<ChatGiveaway>, PageInfo)> {
        let filter = ChatFilter {
            status: status.map(ChatStatus::as_str),
            room_id,
        };
        let (rows, total) = self
            .db()
            .list_chat_giveaways(who.brand_id, &filter, self.now_ms(), page.limit(), page.offset())
            .await?;
        let list = rows
            .into_iter()
            .map(ChatGiveaway::from_row)
            .collect::<EngineResult<_>>()?;
        Ok((list, PageInfo::new(page, u64::try_from(total).unwrap_or(0))))
    }

    /// Changes a chat giveaway: any field while it is scheduled (`SOON`), after that only a
    /// later `endTime`. Finished, cancelled and ended giveaways cannot change.
    pub async fn patch_chat_giveaway(
        &self,
        who: &Principal,
        id: i64,
        fields: Vec<(String, Raw)>,
        public_url: &str,
        allow_private: bool,
    ) -> Result<ChatGiveaway, ChatError> {
        let g = self.chat_giveaway(who, id).await?;
        let now = self.now_ms();
        let status = g.status(now);
        if matches!(status, ChatStatus::Finished | ChatStatus::Cancelled) || now >= g.row.end_at {
            return Err(EngineError::Conflict(format!(
                "This giveaway is {} and can no longer change.",
                if now >= g.row.end_at && status == ChatStatus::Live {
                    "ended"
                } else {
                    status.as_str()
                }
            ))
            .into());
        }
        let mut v = validate_patch(&g.spec, status == ChatStatus::Soon, fields, now)
            .map_err(|p| ChatError::Invalid(Problems(p)))?;
        check_winner_url(&v.spec, allow_private)?;
        // The named round is part of the commitment: the end must stay before it.
        if let Some(named) = g.beacon_round()?
            && v.spec.end_at >= named.due_at_ms()
        {
            return Err(ChatError::Invalid(Problems(vec![format!(
                "endTime must stay before {}: this giveaway draws on drand round {}, named when it was created",
                fairdraw_core::time::format_rfc3339(named.due_at_ms()),
                named.round
            )])));
        }
        if let Some(image) = v.image.take() {
            v.spec.pic = Some(self.store_media(who.brand_id, &image, public_url).await?);
        }
        let rooms_changed = v.spec.room_ids != g.spec.room_ids;
        self.inner.chat_config.invalidate();
        self.db()
            .update_chat_giveaway(
                id,
                &serde_json::to_string(&v.spec).map_err(|e| EngineError::Internal(e.into()))?,
                v.spec.start_at,
                v.spec.end_at,
                v.spec.max_participants.map(i64::from),
                rooms_changed.then_some(v.spec.room_ids.as_slice()),
                &draw::draw_job(id, v.spec.end_at),
                now,
            )
            .await
            .map_err(|e| match e {
                StoreError::NotFound => EngineError::Conflict("This giveaway can no longer change.".to_owned()),
                other => other.into(),
            })?;
        Ok(self.chat_giveaway(who, id).await?)
    }

    /// Cancels a giveaway that is not finished; the partner is told (`giveaway.cancelled`).
    pub async fn cancel_chat_giveaway(&self, who: &Principal, id: i64, public_url: &str) -> EngineResult<ChatGiveaway> {
        let g = self.chat_giveaway(who, id).await?;
        let reason = "cancelled by the partner";
        let job = draw::cancelled_notice(&g, reason, public_url);
        self.inner.chat_config.invalidate();
        self.db()
            .cancel_chat_giveaway(id, reason, job.as_ref(), self.now_ms())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => EngineError::Conflict(format!(
                    "This giveaway is {} already.",
                    g.status(self.now_ms()).as_str()
                )),
                other => other.into(),
            })?;
        self.chat_giveaway(who, id).await
    }

    /// The join path's copy of a giveaway (at most a second old; this instance's own writes
    /// drop it at once).
    pub(crate) async fn chat_config(&self, id: i64) -> EngineResult<Arc<ChatConfig>> {
        let cache = &self.inner.chat_config;
        if let Some(c) = cache.get(&id) {
            return Ok(c);
        }
        let generation = cache.generation();
        let read_at = Instant::now();
        let giveaway = self.public_chat_giveaway(id).await?;
        let config = Arc::new(ChatConfig {
            rules: Rules::of(&giveaway.spec),
            giveaway,
        });
        cache.put(id, generation, read_at, config.clone());
        Ok(config)
    }
}

/// The winner-list URL passes the outbound guard's rules when it is saved (its address is
/// checked again when the list is sent).
fn check_winner_url(spec: &ChatGiveawaySpec, allow_private: bool) -> Result<(), ChatError> {
    if let Some(url) = &spec.winner_list_url
        && let Err(refused) = crate::egress::check_url(url, allow_private)
    {
        return Err(ChatError::Invalid(Problems(vec![format!(
            "winnerListUrl is not allowed: {refused}"
        )])));
    }
    Ok(())
}
