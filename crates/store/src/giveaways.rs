//! Giveaways: the row, listing with status filters, and the whole-giveaway operations
//! (create with its default entry method, publish with its commitment, duplicate, soft delete).

use crate::audit::{self, AuditEvent};
use crate::db::{Backend, Db};
use crate::error::{StoreError, StoreResult};
use crate::scheduler::{self, Transition};
use sqlx::{AssertSqlSafe, FromRow};

macro_rules! giveaway_columns {
    () => {
        "id, brand_id, slug, title, description, rules, start_local, end_local, time_zone, \
         start_at, end_at, language, number_of_winners, image_url, is_draft, public_or_private, \
         competition_type, settings, rules_config, design, email_settings, commitment, \
         committed_at, published_at, total_entries, total_participants, total_actions, \
         created_at, updated_at, beacon, beacon_round"
    };
}

/// A giveaway as stored, without its secret seed.
#[derive(Clone, Debug, FromRow)]
pub struct GiveawayRow {
    pub id: i64,
    pub brand_id: i64,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub rules: Option<String>,
    pub start_local: String,
    pub end_local: String,
    pub time_zone: String,
    pub start_at: i64,
    pub end_at: i64,
    pub language: String,
    pub number_of_winners: i64,
    pub image_url: Option<String>,
    pub is_draft: i64,
    pub public_or_private: String,
    pub competition_type: String,
    /// JSON documents.
    pub settings: String,
    pub rules_config: String,
    pub design: String,
    pub email_settings: String,
    pub commitment: Option<String>,
    pub committed_at: Option<i64>,
    pub published_at: Option<i64>,
    pub total_entries: i64,
    pub total_participants: i64,
    pub total_actions: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The public beacon asked for: `none` or `drand`.
    pub beacon: String,
    /// The beacon round named at publication (JSON), fixed from then on.
    pub beacon_round: Option<String>,
}

/// The fields a client edits, ready to store.
#[derive(Clone, Debug)]
pub struct GiveawayFields {
    pub title: String,
    pub description: Option<String>,
    pub rules: Option<String>,
    pub start_local: String,
    pub end_local: String,
    pub time_zone: String,
    pub start_at: i64,
    pub end_at: i64,
    pub language: String,
    pub number_of_winners: i64,
    pub image_url: Option<String>,
    pub is_draft: bool,
    pub public_or_private: String,
    pub competition_type: String,
    pub settings: String,
    pub rules_config: String,
    /// The public beacon asked for: `none` or `drand`.
    pub beacon: String,
}

/// A draw commitment made when a giveaway is published.
#[derive(Clone, Debug)]
pub struct Commitment {
    pub server_seed: Vec<u8>,
    pub commitment: String,
}

/// The beacon round a giveaway names (JSON), stored once: a giveaway that has one keeps it.
#[derive(Clone, Debug)]
pub struct BeaconRound(pub String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    Draft,
    Scheduled,
    Live,
    Expired,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GiveawaySort {
    IdDesc,
    IdAsc,
    StartTimeDesc,
    StartTimeAsc,
    EndTimeDesc,
    EndTimeAsc,
}

impl GiveawaySort {
    fn order_by(self) -> &'static str {
        match self {
            GiveawaySort::IdDesc => "id DESC",
            GiveawaySort::IdAsc => "id ASC",
            GiveawaySort::StartTimeDesc => "start_at DESC, id DESC",
            GiveawaySort::StartTimeAsc => "start_at ASC, id ASC",
            GiveawaySort::EndTimeDesc => "end_at DESC, id DESC",
            GiveawaySort::EndTimeAsc => "end_at ASC, id ASC",
        }
    }
}

#[derive(Clone, Debug)]
pub struct GiveawayQuery<'a> {
    pub brand_id: i64,
    pub status: StatusFilter,
    pub search: Option<&'a str>,
    pub sort: GiveawaySort,
    pub now_ms: i64,
    pub limit: i64,
    pub offset: i64,
}

// Status is computed from the schedule at query time, in the same way as `Status::at`.
const LIST_FILTER: &str = "brand_id = $1 AND deleted_at IS NULL \
     AND ($2 = 'all' \
       OR ($2 = 'draft' AND is_draft = 1) \
       OR ($2 = 'scheduled' AND is_draft = 0 AND start_at > $3) \
       OR ($2 = 'live' AND is_draft = 0 AND start_at <= $3 AND end_at > $3) \
       OR ($2 = 'expired' AND is_draft = 0 AND end_at <= $3)) \
     AND ($4 = '' OR LOWER(title) LIKE $4 ESCAPE '\\' OR slug LIKE $4 ESCAPE '\\')";

fn like_pattern(search: Option<&str>) -> String {
    match search.map(str::trim).filter(|s| !s.is_empty()) {
        None => String::new(),
        Some(s) => {
            let escaped: String = s
                .to_lowercase()
                .chars()
                .flat_map(|c| match c {
                    '%' | '_' | '\\' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            format!("%{escaped}%")
        }
    }
}

/// Announces, inside the caller's transaction, whatever transition of a giveaway just written
/// has already passed (a giveaway published with a past start goes live at once, not at the
/// next scheduler tick). A draft matches nothing.
async fn announce_now_in(conn: &mut sqlx::AnyConnection, backend: Backend, id: i64, now: i64) -> StoreResult<()> {
    scheduler::announce_in(&mut *conn, backend, Transition::Live, Some(id), now, 1).await?;
    scheduler::announce_in(&mut *conn, backend, Transition::Ended, Some(id), now, 1).await?;
    Ok(())
}

impl StatusFilter {
    fn as_str(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Draft => "draft",
            StatusFilter::Scheduled => "scheduled",
            StatusFilter::Live => "live",
            StatusFilter::Expired => "expired",
        }
    }
}

impl Db {
    /// Creates a giveaway (design and e-mail settings at their defaults, stored as `{}`) and its
    /// "User Details" entry method (type 1), which every giveaway has.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_giveaway(
        &self,
        brand_id: i64,
        slug: &str,
        f: &GiveawayFields,
        commitment: Option<&Commitment>,
        beacon_round: Option<&BeaconRound>,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO giveaways (brand_id, slug, title, description, rules, start_local, end_local, \
             time_zone, start_at, end_at, language, number_of_winners, image_url, is_draft, \
             public_or_private, competition_type, settings, rules_config, design, email_settings, \
             server_seed, commitment, committed_at, published_at, created_at, updated_at, beacon, \
             beacon_round) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
             '{}', '{}', $19, $20, $21, $21, $22, $22, $23, $24) RETURNING id",
        )
        .bind(brand_id)
        .bind(slug)
        .bind(&f.title)
        .bind(&f.description)
        .bind(&f.rules)
        .bind(&f.start_local)
        .bind(&f.end_local)
        .bind(&f.time_zone)
        .bind(f.start_at)
        .bind(f.end_at)
        .bind(&f.language)
        .bind(f.number_of_winners)
        .bind(&f.image_url)
        .bind(i64::from(f.is_draft))
        .bind(&f.public_or_private)
        .bind(&f.competition_type)
        .bind(&f.settings)
        .bind(&f.rules_config)
        .bind(commitment.map(|c| c.server_seed.clone()))
        .bind(commitment.map(|c| c.commitment.clone()))
        .bind(commitment.map(|_| now))
        .bind(now)
        .bind(&f.beacon)
        .bind(beacon_round.map(|b| b.0.clone()))
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO entry_methods (giveaway_id, entry_id, method_type, amount, required, daily, \
             entry_order, widget_display, created_at) VALUES ($1, 1, 1, 1, 1, 0, 1, 1, $2)",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        announce_now_in(&mut tx, self.backend(), id, now).await?;
        audit::append_in(&mut tx, &audit.about(id), now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A giveaway that is not deleted.
    pub async fn giveaway(&self, id: i64) -> StoreResult<GiveawayRow> {
        let sql = concat!(
            "SELECT ",
            giveaway_columns!(),
            " FROM giveaways WHERE id = $1 AND deleted_at IS NULL"
        );
        Ok(sqlx::query_as(sql).bind(id).fetch_one(self.reader()).await?)
    }

    /// A giveaway by its slug, not deleted.
    pub async fn giveaway_by_slug(&self, slug: &str) -> StoreResult<GiveawayRow> {
        let sql = concat!(
            "SELECT ",
            giveaway_columns!(),
            " FROM giveaways WHERE slug = $1 AND deleted_at IS NULL"
        );
        Ok(sqlx::query_as(sql).bind(slug).fetch_one(self.reader()).await?)
    }

    pub async fn list_giveaways(&self, q: &GiveawayQuery<'_>) -> StoreResult<(Vec<GiveawayRow>, i64)> {
        let pattern = like_pattern(q.search);
        let sql = format!(
            "SELECT {} FROM giveaways WHERE {LIST_FILTER} ORDER BY {} LIMIT $5 OFFSET $6",
            giveaway_columns!(),
            q.sort.order_by()
        );
        let rows = sqlx::query_as(AssertSqlSafe(sql))
            .bind(q.brand_id)
            .bind(q.status.as_str())
            .bind(q.now_ms)
            .bind(&pattern)
            .bind(q.limit)
            .bind(q.offset)
            .fetch_all(self.reader())
            .await?;
        let (total,): (i64,) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM giveaways WHERE {LIST_FILTER}"
        )))
        .bind(q.brand_id)
        .bind(q.status.as_str())
        .bind(q.now_ms)
        .bind(&pattern)
        .fetch_one(self.reader())
        .await?;
        Ok((rows, total))
    }

    /// Writes the edited fields. A commitment is stored only if the giveaway has none yet: once
    /// published, it never changes. A start or end moved into the future is announced again when
    /// it passes; a published giveaway whose start or end has already passed is announced in
    /// this same transaction (see [`crate::scheduler`]).
    pub async fn update_giveaway(
        &self,
        id: i64,
        f: &GiveawayFields,
        commitment: Option<&Commitment>,
        beacon_round: Option<&BeaconRound>,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE giveaways SET title = $2, description = $3, rules = $4, start_local = $5, \
             end_local = $6, time_zone = $7, start_at = $8, end_at = $9, language = $10, \
             number_of_winners = $11, image_url = $12, is_draft = $13, public_or_private = $14, \
             competition_type = $15, settings = $16, rules_config = $17, updated_at = $18, \
             server_seed = COALESCE(server_seed, $19), \
             commitment = COALESCE(commitment, $20), \
             committed_at = COALESCE(committed_at, $21), \
             published_at = COALESCE(published_at, $21), \
             live_announced_at = CASE WHEN $8 > $18 THEN NULL ELSE live_announced_at END, \
             end_announced_at = CASE WHEN $9 > $18 THEN NULL ELSE end_announced_at END, \
             beacon = $22, beacon_round = COALESCE(beacon_round, $23) \
             WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(id)
        .bind(&f.title)
        .bind(&f.description)
        .bind(&f.rules)
        .bind(&f.start_local)
        .bind(&f.end_local)
        .bind(&f.time_zone)
        .bind(f.start_at)
        .bind(f.end_at)
        .bind(&f.language)
        .bind(f.number_of_winners)
        .bind(&f.image_url)
        .bind(i64::from(f.is_draft))
        .bind(&f.public_or_private)
        .bind(&f.competition_type)
        .bind(&f.settings)
        .bind(&f.rules_config)
        .bind(now)
        .bind(commitment.map(|c| c.server_seed.clone()))
        .bind(commitment.map(|c| c.commitment.clone()))
        .bind(commitment.map(|_| now))
        .bind(&f.beacon)
        .bind(beacon_round.map(|b| b.0.clone()))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        announce_now_in(&mut tx, self.backend(), id, now).await?;
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces one of the JSON documents (`settings`, `rules_config`, `design`, `email_settings`).
    pub async fn set_giveaway_document(
        &self,
        id: i64,
        column: GiveawayDocument,
        json: &str,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let sql = format!(
            "UPDATE giveaways SET {} = $2, updated_at = $3 WHERE id = $1 AND deleted_at IS NULL",
            column.column()
        );
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .bind(json)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn soft_delete_giveaway(&self, id: i64, audit: &AuditEvent, now: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE giveaways SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The giveaway's secret seed, for drawing. Never sent to clients before a draw reveals it.
    pub async fn giveaway_seed(&self, id: i64) -> StoreResult<Option<Vec<u8>>> {
        let (seed,): (Option<Vec<u8>>,) = sqlx::query_as("SELECT server_seed FROM giveaways WHERE id = $1")
            .bind(id)
            .fetch_one(self.reader())
            .await?;
        Ok(seed)
    }

    /// Copies a giveaway as a new draft: its definition and documents, entry methods, prizes
    /// (with their redemption codes, none assigned), rewards, whitelist and blacklist. Not its
    /// entries, participants, winners, counters or commitment.
    pub async fn duplicate_giveaway(
        &self,
        id: i64,
        slug: &str,
        title: &str,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let copied: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO giveaways (brand_id, slug, title, description, rules, start_local, end_local, \
             time_zone, start_at, end_at, language, number_of_winners, image_url, is_draft, \
             public_or_private, competition_type, settings, rules_config, design, email_settings, \
             created_at, updated_at, beacon) \
             SELECT brand_id, $2, $3, description, rules, start_local, end_local, time_zone, start_at, \
             end_at, language, number_of_winners, image_url, 1, public_or_private, competition_type, \
             settings, rules_config, design, email_settings, $4, $4, beacon \
             FROM giveaways WHERE id = $1 AND deleted_at IS NULL RETURNING id",
        )
        .bind(id)
        .bind(slug)
        .bind(title)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((new_id,)) = copied else {
            return Err(StoreError::NotFound);
        };
        let statements = [
            "INSERT INTO entry_methods (giveaway_id, entry_id, method_type, title, link, amount, required, \
             daily, entry_order, entry_level, icon_color, additional_instructions, widget_display, config, \
             created_at) SELECT $2, entry_id, method_type, title, link, amount, required, daily, entry_order, \
             entry_level, icon_color, additional_instructions, widget_display, config, $3 \
             FROM entry_methods WHERE giveaway_id = $1 AND deleted_at IS NULL",
            "INSERT INTO prizes (giveaway_id, prize_number, name, value, currency, winners_allowed, \
             prize_order, redemption_switch, redemption_instructions, redemption_subject, \
             redemption_reply_to_email, redemption_reply_to_name, created_at) \
             SELECT $2, prize_number, name, value, currency, winners_allowed, prize_order, \
             redemption_switch, redemption_instructions, redemption_subject, redemption_reply_to_email, \
             redemption_reply_to_name, $3 FROM prizes WHERE giveaway_id = $1 AND archived_at IS NULL",
            "INSERT INTO prize_codes (prize_id, position, code) \
             SELECT np.id, c.position, c.code FROM prize_codes c \
             JOIN prizes op ON op.id = c.prize_id AND op.giveaway_id = $1 AND op.archived_at IS NULL \
             JOIN prizes np ON np.giveaway_id = $2 AND np.prize_number = op.prize_number",
            "INSERT INTO rewards (giveaway_id, reward_type, title, entries_required, \
             prize_random_or_guaranteed, coupon_if_coupon_code, coupon_code, coupon_directions, \
             hide_progress, send_email, email_body, email_subject, email_reply_to_email, \
             email_reply_to_name, reward_order, created_at) \
             SELECT $2, reward_type, title, entries_required, prize_random_or_guaranteed, \
             coupon_if_coupon_code, coupon_code, coupon_directions, hide_progress, send_email, \
             email_body, email_subject, email_reply_to_email, email_reply_to_name, reward_order, $3 \
             FROM rewards WHERE giveaway_id = $1 AND deleted_at IS NULL",
            "INSERT INTO whitelist (giveaway_id, email, created_at) \
             SELECT $2, email, $3 FROM whitelist WHERE giveaway_id = $1 ORDER BY id",
            "INSERT INTO blacklist (giveaway_id, value, kind, created_at) \
             SELECT $2, value, kind, $3 FROM blacklist WHERE giveaway_id = $1 ORDER BY id",
        ];
        for sql in statements {
            sqlx::query(sql)
                .bind(id)
                .bind(new_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        let audit = audit.about(new_id).with("duplicated_from", id);
        audit::append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(new_id)
    }
}

/// The JSON documents stored on a giveaway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GiveawayDocument {
    Settings,
    RulesConfig,
    Design,
    EmailSettings,
}

impl GiveawayDocument {
    /// The document's name (its column).
    pub fn name(self) -> &'static str {
        self.column()
    }

    fn column(self) -> &'static str {
        match self {
            GiveawayDocument::Settings => "settings",
            GiveawayDocument::RulesConfig => "rules_config",
            GiveawayDocument::Design => "design",
            GiveawayDocument::EmailSettings => "email_settings",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_escape_wildcards() {
        assert_eq!(like_pattern(None), "");
        assert_eq!(like_pattern(Some("  ")), "");
        assert_eq!(like_pattern(Some("Summer")), "%summer%");
        assert_eq!(like_pattern(Some("50%_off")), "%50\\%\\_off%");
    }
}

/// Activity since an instant, for the stats endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    pub entries_since: i64,
    pub participants_since: i64,
    pub page_views: i64,
    pub unique_page_views: i64,
}

impl Db {
    pub async fn giveaway_activity(&self, id: i64, since_ms: i64) -> StoreResult<Activity> {
        let (entries_since, participants_since, page_views, unique_page_views): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT \
                   (SELECT CAST(COALESCE(SUM(e.amount), 0) AS BIGINT) FROM entries e \
                      JOIN participants p ON p.id = e.participant_id \
                     WHERE e.giveaway_id = $1 AND e.created_at >= $2 AND e.display_winner = 0 \
                       AND p.status = 'active'), \
                   (SELECT COUNT(*) FROM participants WHERE giveaway_id = $1 AND created_at >= $2 \
                       AND status = 'active'), \
                   (SELECT COUNT(*) FROM page_views WHERE giveaway_id = $1), \
                   (SELECT COUNT(DISTINCT visitor) FROM page_views WHERE giveaway_id = $1)",
        )
        .bind(id)
        .bind(since_ms)
        .fetch_one(self.reader())
        .await?;
        Ok(Activity {
            entries_since,
            participants_since,
            page_views,
            unique_page_views,
        })
    }
}

impl Db {
    /// Entry methods configured (not removed) on a giveaway.
    pub async fn count_entry_methods(&self, giveaway_id: i64) -> StoreResult<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM entry_methods WHERE giveaway_id = $1 AND deleted_at IS NULL")
                .bind(giveaway_id)
                .fetch_one(self.reader())
                .await?;
        Ok(n)
    }
}
