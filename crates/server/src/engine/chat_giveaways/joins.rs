//! Joining a chat giveaway. Every rule but `maxParticipants` is checked here, against a copy of
//! the giveaway at most a second old; the join then goes to [`ChatJoiner`], one task that
//! writes whatever joins have queued up in one transaction (as the entry writer does for
//! entries), where `maxParticipants` and the giveaway's state are checked under its row lock. A
//! request is answered after the commit.
//!
//! A refused join still stores the profile (unless the giveaway is not live): the widget joins
//! with the profile the partner sent last, and the draw re-checks each participant's latest one.

use super::ChatConfig;
use crate::engine::batch::Batcher;
use crate::engine::{Engine, EngineError, EngineResult, Principal};
use fairdraw_core::chat::{Profile, Refusal, accepts_participants};
use fairdraw_core::page::{PageInfo, PageRequest};
use fairdraw_store::chat_giveaways::{Join, JoinOutcome, ParticipantRow};
use fairdraw_store::{Db, StoreError};
use std::sync::Arc;

const MAX_BATCH: usize = 1024;

/// The writer of joins (a [`Batcher`]). Cheap to clone.
pub type ChatJoiner = Batcher<Join, JoinOutcome>;

/// Starts the writer of joins on the current runtime.
fn spawn_joiner(db: Db) -> ChatJoiner {
    Batcher::spawn("chat join", MAX_BATCH, move |joins: Arc<[Join]>| {
        let db = db.clone();
        async move { db.record_chat_joins(&joins).await.map_err(|e| e.to_string()) }
    })
}

/// A successful join.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Joined {
    /// Not a participant before.
    pub new: bool,
}

/// Why a join did not happen: one of the giveaway's rules (which the widget words in the
/// viewer's language), a widget link signed for someone else, or anything else.
#[derive(Debug)]
pub enum JoinError {
    Refused(Refusal),
    BadSignature,
    Engine(EngineError),
}

impl From<EngineError> for JoinError {
    fn from(e: EngineError) -> Self {
        JoinError::Engine(e)
    }
}

impl From<fairdraw_store::StoreError> for JoinError {
    fn from(e: fairdraw_store::StoreError) -> Self {
        JoinError::Engine(e.into())
    }
}

/// The API's words: a 403 naming the rule.
impl From<JoinError> for EngineError {
    fn from(e: JoinError) -> Self {
        match e {
            JoinError::Refused(r) => EngineError::Forbidden(r.message()),
            JoinError::BadSignature => {
                EngineError::Forbidden("This widget link is not signed for this user (sig).".to_owned())
            }
            JoinError::Engine(e) => e,
        }
    }
}

/// A giveaway a partner may join users to (see [`Engine::chat_join_target`]).
pub struct JoinTarget(Arc<ChatConfig>);

impl Engine {
    fn chat_joiner(&self) -> &ChatJoiner {
        self.inner.chat_joiner.get_or_init(|| spawn_joiner(self.db().clone()))
    }

    /// Joins a user to a giveaway of the caller's brand (the partner's backend).
    /// The giveaway a partner's join goes to, when it is the caller's brand's (else "not
    /// found", before anything about the body is said).
    pub async fn chat_join_target(&self, who: &Principal, id: i64) -> EngineResult<JoinTarget> {
        let config = self.chat_config(id).await?;
        if config.giveaway.row.brand_id != who.brand_id {
            return Err(EngineError::NotFound("Giveaway"));
        }
        Ok(JoinTarget(config))
    }

    /// Joins `profile` to the giveaway of [`Engine::chat_join_target`].
    pub async fn join_chat_giveaway(&self, target: &JoinTarget, profile: Profile) -> EngineResult<Joined> {
        Ok(self.join_with(&target.0, profile).await?)
    }

    /// Joins from the chat widget: with the profile the partner sent last for this user (or only
    /// the user id and room, when it sent none), under the same rules.
    async fn widget_join(&self, id: i64, user_id: &str, room_id: Option<String>) -> Result<Joined, JoinError> {
        let config = self.chat_config(id).await?;
        let profile = match self.db().chat_profile(id, user_id).await? {
            Some(row) => Profile {
                room_id: room_id.or(row.room_id.clone()),
                ..profile_of(&row)
            },
            None => Profile {
                user_id: user_id.to_owned(),
                room_id,
                ..Profile::default()
            },
        };
        self.join_with(&config, profile).await
    }

    async fn join_with(&self, config: &Arc<ChatConfig>, profile: Profile) -> Result<Joined, JoinError> {
        let g = &config.giveaway;
        let now = self.now_ms();
        if !accepts_participants(g.outcome(), g.row.start_at, g.row.end_at, now) {
            let status = g.status(now);
            return Err(JoinError::Refused(if status == fairdraw_core::chat::ChatStatus::Live {
                Refusal::Ended
            } else {
                Refusal::NotLive(status)
            }));
        }
        let verdict = config.rules.check(&profile, now);
        let join = Join {
            giveaway_id: g.id(),
            profile: ParticipantRow {
                badge_ids: serde_json::to_string(&profile.badge_ids).unwrap_or_else(|_| "[]".to_owned()),
                user_id: profile.user_id,
                room_id: profile.room_id,
                name: profile.name,
                account_created_at: profile.account_created_at,
                message_count: profile.message_count,
                joined: 0,
                joined_at: None,
                updated_at: now,
            },
            admit: verdict.is_ok(),
            now,
        };
        match self.chat_joiner().write(join).await? {
            JoinOutcome::Joined { new } => Ok(Joined { new }),
            JoinOutcome::Refused => Err(JoinError::Refused(verdict.err().unwrap_or(Refusal::NoBadge))),
            JoinOutcome::Full { max } => Err(JoinError::Refused(Refusal::Full {
                max: u32::try_from(max).unwrap_or(u32::MAX),
            })),
            JoinOutcome::NotLive => Err(JoinError::Refused(Refusal::NotLive(g.status(now)))),
            JoinOutcome::NotFound => Err(EngineError::NotFound("Giveaway").into()),
        }
    }

    /// A page of a giveaway's participants, by user id.
    pub async fn chat_participants(
        &self,
        who: &Principal,
        id: i64,
        page: PageRequest,
    ) -> EngineResult<(Vec<ParticipantRow>, PageInfo)> {
        let g = self.chat_giveaway(who, id).await?;
        let rows = self
            .db()
            .list_chat_participants(id, page.limit(), page.offset())
            .await?;
        let total = u64::try_from(g.row.participants_count).unwrap_or(0);
        Ok((rows, PageInfo::new(page, total)))
    }

    /// Removes a participant while the giveaway is open.
    pub async fn remove_chat_participant(&self, who: &Principal, id: i64, user_id: &str) -> EngineResult<()> {
        self.chat_giveaway(who, id).await?;
        self.db()
            .delete_chat_participant(id, user_id, self.now_ms())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => EngineError::NotFound("Participant"),
                StoreError::Conflict(_) => EngineError::Conflict(
                    "This giveaway is finished or cancelled; its participants are final.".to_owned(),
                ),
                other => other.into(),
            })
    }
}

/// A stored profile as the rules read it.
pub(super) fn profile_of(row: &ParticipantRow) -> Profile {
    Profile {
        user_id: row.user_id.clone(),
        room_id: row.room_id.clone(),
        name: row.name.clone(),
        account_created_at: row.account_created_at,
        message_count: row.message_count,
        badge_ids: serde_json::from_str(&row.badge_ids).unwrap_or_default(),
    }
}

impl Engine {
    /// What the widget shows: the giveaway, and whether `user` (when its `sig` is right) is a
    /// participant.
    pub async fn widget_view(&self, id: i64, user: Option<(&str, &str)>) -> EngineResult<(super::ChatGiveaway, bool)> {
        let g = self.public_chat_giveaway(id).await?;
        let joined = match user {
            Some((user_id, sig)) if self.widget_sig_ok(g.row.brand_id, user_id, sig).await? => self
                .db()
                .chat_profile(id, user_id)
                .await?
                .is_some_and(|p| p.joined == 1),
            _ => false,
        };
        Ok((g, joined))
    }

    /// A join from the widget, after checking `sig`; answers with the new participants count.
    pub async fn widget_join_signed(
        &self,
        id: i64,
        user_id: &str,
        room_id: Option<String>,
        sig: &str,
    ) -> Result<(Joined, i64), JoinError> {
        let g = self.public_chat_giveaway(id).await?;
        if user_id.is_empty() || !self.widget_sig_ok(g.row.brand_id, user_id, sig).await? {
            return Err(JoinError::BadSignature);
        }
        let joined = self.widget_join(id, user_id, room_id).await?;
        let count = self.db().chat_giveaway(id).await?.participants_count;
        Ok((joined, count))
    }
}
