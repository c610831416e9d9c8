//! Analytics, leaderboard and referral figures, each read with SQL aggregates from the recorded
//! facts (participants, entries, page views), and the recording of page views. What counts is
//! what the giveaway's counters count (see [`crate::entries`]): verified, valid entries of active
//! participants, and active, verified participants. Ratios are left to the caller.

use crate::db::Db;
use crate::error::StoreResult;
use sqlx::FromRow;
use std::collections::BTreeMap;

/// Participants that count, as in the giveaway's `total_participants` (alias `p`).
macro_rules! counted_participant {
    () => {
        "p.status = 'active' AND p.is_verified = 1"
    };
}

/// Entries that count, as in the giveaway's `total_entries` (alias `e`, joined to `p`).
macro_rules! counted_entry {
    () => {
        "e.display_winner = 0 AND e.is_verified = 1 AND p.status = 'active'"
    };
}

/// One milliseconds-per-day divisor for every daily bucket, so both backends cut days alike.
macro_rules! utc_day {
    ($col:literal) => {
        concat!("CAST(", $col, " / 86400000 AS BIGINT)")
    };
}

/// A page view to record; `visitor` is already a keyed hash.
#[derive(Clone, Debug)]
pub struct NewPageView {
    pub giveaway_id: i64,
    pub visitor: String,
    pub referrer: Option<String>,
    pub country: Option<String>,
    pub now: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct LeaderRow {
    pub user_id: String,
    pub name: String,
    pub total_entries: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ReferrerRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub referral_count: i64,
}

/// Referral totals: referred participants, and the distinct participants who referred them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReferralTotals {
    pub referrals: i64,
    pub referrers: i64,
}

/// Page views: all of them, and distinct visitors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewTotals {
    pub views: i64,
    pub unique_views: i64,
}

/// The figures of one UTC day; `day` counts days since 1970-01-01.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayFigures {
    pub day: i64,
    pub views: i64,
    pub unique_views: i64,
    pub entries: i64,
    pub new_participants: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct MethodRow {
    pub method_type: i64,
    pub total_entries: i64,
    pub unique_users: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct CountryCount {
    pub country: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ReferrerUrlCount {
    pub referrer: String,
    pub count: i64,
}

/// Fraud figures; IP addresses stay in the database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FraudFigures {
    /// Distinct IPs shared by more than one counted participant.
    pub shared_ips: i64,
    pub banned: i64,
    pub disqualified: i64,
    /// Entries from each shared IP, most first.
    pub top_shared_ip_entries: Vec<i64>,
}

impl Db {
    pub async fn insert_page_view(&self, v: &NewPageView) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO page_views (giveaway_id, visitor, referrer, country, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(v.giveaway_id)
        .bind(&v.visitor)
        .bind(&v.referrer)
        .bind(&v.country)
        .bind(v.now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// The `limit` counted participants with the most entries; ties go to who entered first.
    pub async fn leaderboard(&self, giveaway_id: i64, limit: i64) -> StoreResult<Vec<LeaderRow>> {
        let sql = concat!(
            "SELECT p.user_id, p.name, p.total_entries FROM participants p WHERE p.giveaway_id = $1 AND ",
            counted_participant!(),
            " AND p.total_entries > 0 ORDER BY p.total_entries DESC, p.created_at ASC, p.id ASC LIMIT $2"
        );
        Ok(sqlx::query_as(sql)
            .bind(giveaway_id)
            .bind(limit)
            .fetch_all(self.reader())
            .await?)
    }

    pub async fn referral_totals(&self, giveaway_id: i64) -> StoreResult<ReferralTotals> {
        let sql = concat!(
            "SELECT COUNT(*), COUNT(DISTINCT p.referred_by) FROM participants p \
             WHERE p.giveaway_id = $1 AND p.referred_by IS NOT NULL AND ",
            counted_participant!()
        );
        let (referrals, referrers): (i64, i64) = sqlx::query_as(sql).bind(giveaway_id).fetch_one(self.reader()).await?;
        Ok(ReferralTotals { referrals, referrers })
    }

    /// The `limit` participants who referred the most counted participants; ties go to who
    /// entered first.
    pub async fn top_referrers(&self, giveaway_id: i64, limit: i64) -> StoreResult<Vec<ReferrerRow>> {
        let sql = concat!(
            "SELECT r.user_id, r.name, r.email, COUNT(*) AS referral_count FROM participants p \
             JOIN participants r ON r.id = p.referred_by \
             WHERE p.giveaway_id = $1 AND ",
            counted_participant!(),
            " GROUP BY r.id, r.user_id, r.name, r.email, r.created_at \
             ORDER BY referral_count DESC, r.created_at ASC, r.id ASC LIMIT $2"
        );
        Ok(sqlx::query_as(sql)
            .bind(giveaway_id)
            .bind(limit)
            .fetch_all(self.reader())
            .await?)
    }

    pub async fn view_totals(&self, giveaway_id: i64) -> StoreResult<ViewTotals> {
        let (views, unique_views): (i64, i64) =
            sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT visitor) FROM page_views WHERE giveaway_id = $1")
                .bind(giveaway_id)
                .fetch_one(self.reader())
                .await?;
        Ok(ViewTotals { views, unique_views })
    }

    /// The first and last instants of recorded activity (views, counted entries, counted
    /// participants), or `None` for a giveaway nobody has seen yet.
    pub async fn activity_span(&self, giveaway_id: i64) -> StoreResult<Option<(i64, i64)>> {
        let sql = concat!(
            "SELECT MIN(t), MAX(t) FROM (",
            "SELECT created_at AS t FROM page_views WHERE giveaway_id = $1 ",
            "UNION ALL SELECT e.created_at FROM entries e JOIN participants p ON p.id = e.participant_id ",
            "WHERE e.giveaway_id = $1 AND ",
            counted_entry!(),
            " UNION ALL SELECT p.created_at FROM participants p WHERE p.giveaway_id = $1 AND ",
            counted_participant!(),
            ") activity"
        );
        let (first, last): (Option<i64>, Option<i64>) =
            sqlx::query_as(sql).bind(giveaway_id).fetch_one(self.reader()).await?;
        Ok(first.zip(last))
    }

    /// Figures per UTC day for the days numbered `first_day..=last_day`; only days with
    /// activity are returned, in order.
    pub async fn daily_figures(&self, giveaway_id: i64, first_day: i64, last_day: i64) -> StoreResult<Vec<DayFigures>> {
        const DAY_MS: i64 = 86_400_000;
        let from = first_day * DAY_MS;
        let until = (last_day + 1) * DAY_MS;
        let views_sql = concat!(
            "SELECT ",
            utc_day!("created_at"),
            ", COUNT(*), COUNT(DISTINCT visitor) FROM page_views \
             WHERE giveaway_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY 1"
        );
        let views: Vec<(i64, i64, i64)> = sqlx::query_as(views_sql)
            .bind(giveaway_id)
            .bind(from)
            .bind(until)
            .fetch_all(self.reader())
            .await?;
        let entries_sql = concat!(
            "SELECT ",
            utc_day!("e.created_at"),
            ", CAST(SUM(e.amount) AS BIGINT) FROM entries e JOIN participants p ON p.id = e.participant_id \
             WHERE e.giveaway_id = $1 AND e.created_at >= $2 AND e.created_at < $3 AND ",
            counted_entry!(),
            " GROUP BY 1"
        );
        let entries: Vec<(i64, i64)> = sqlx::query_as(entries_sql)
            .bind(giveaway_id)
            .bind(from)
            .bind(until)
            .fetch_all(self.reader())
            .await?;
        let people_sql = concat!(
            "SELECT ",
            utc_day!("p.created_at"),
            ", COUNT(*) FROM participants p \
             WHERE p.giveaway_id = $1 AND p.created_at >= $2 AND p.created_at < $3 AND ",
            counted_participant!(),
            " GROUP BY 1"
        );
        let people: Vec<(i64, i64)> = sqlx::query_as(people_sql)
            .bind(giveaway_id)
            .bind(from)
            .bind(until)
            .fetch_all(self.reader())
            .await?;
        let mut days = BTreeMap::<i64, DayFigures>::new();
        for (d, views, unique_views) in views {
            let f = day_slot(&mut days, d);
            f.views = views;
            f.unique_views = unique_views;
        }
        for (d, amount) in entries {
            day_slot(&mut days, d).entries = amount;
        }
        for (d, count) in people {
            day_slot(&mut days, d).new_participants = count;
        }
        Ok(days.into_values().collect())
    }

    /// Counted entries per entry-method type, most entries first.
    pub async fn entries_by_method(&self, giveaway_id: i64) -> StoreResult<Vec<MethodRow>> {
        let sql = concat!(
            "SELECT e.method_type, CAST(SUM(e.amount) AS BIGINT) AS total_entries, \
             COUNT(DISTINCT e.participant_id) AS unique_users \
             FROM entries e JOIN participants p ON p.id = e.participant_id WHERE e.giveaway_id = $1 AND ",
            counted_entry!(),
            " GROUP BY e.method_type ORDER BY total_entries DESC, e.method_type ASC"
        );
        Ok(sqlx::query_as(sql).bind(giveaway_id).fetch_all(self.reader()).await?)
    }

    /// Page views per country (where known), most first, at most `limit`.
    pub async fn views_by_country(&self, giveaway_id: i64, limit: i64) -> StoreResult<Vec<CountryCount>> {
        Ok(sqlx::query_as(
            "SELECT country, COUNT(*) AS count FROM page_views WHERE giveaway_id = $1 AND country IS NOT NULL \
             GROUP BY country ORDER BY count DESC, country ASC LIMIT $2",
        )
        .bind(giveaway_id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?)
    }

    /// Counted participants per country (where known), most first, at most `limit`.
    pub async fn participants_by_country(&self, giveaway_id: i64, limit: i64) -> StoreResult<Vec<CountryCount>> {
        let sql = concat!(
            "SELECT p.country, COUNT(*) AS count FROM participants p \
             WHERE p.giveaway_id = $1 AND p.country IS NOT NULL AND ",
            counted_participant!(),
            " GROUP BY p.country ORDER BY count DESC, p.country ASC LIMIT $2"
        );
        Ok(sqlx::query_as(sql)
            .bind(giveaway_id)
            .bind(limit)
            .fetch_all(self.reader())
            .await?)
    }

    /// Page views per referrer URL, most first; ties go to the URL seen first (a rule both
    /// backends share, unlike text collation).
    pub async fn views_by_referrer(&self, giveaway_id: i64, limit: i64) -> StoreResult<Vec<ReferrerUrlCount>> {
        Ok(sqlx::query_as(
            "SELECT referrer, COUNT(*) AS count FROM page_views WHERE giveaway_id = $1 AND referrer IS NOT NULL \
             GROUP BY referrer ORDER BY count DESC, MIN(id) ASC LIMIT $2",
        )
        .bind(giveaway_id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?)
    }

    /// `top` bounds the list of entries per shared IP.
    pub async fn fraud_figures(&self, giveaway_id: i64, top: i64) -> StoreResult<FraudFigures> {
        let sql = concat!(
            "SELECT \
               (SELECT COUNT(*) FROM (SELECT p.ip FROM participants p WHERE p.giveaway_id = $1 \
                  AND p.ip IS NOT NULL AND ",
            counted_participant!(),
            " GROUP BY p.ip HAVING COUNT(*) > 1) shared), \
               (SELECT COUNT(*) FROM participants WHERE giveaway_id = $1 AND status = 'banned'), \
               (SELECT COUNT(*) FROM participants WHERE giveaway_id = $1 AND status = 'disqualified')"
        );
        let (shared_ips, banned, disqualified): (i64, i64, i64) =
            sqlx::query_as(sql).bind(giveaway_id).fetch_one(self.reader()).await?;
        // Entries per shared IP; the IP is grouped on but never selected.
        let top_sql = concat!(
            "SELECT CAST(COALESCE(SUM(e.amount), 0) AS BIGINT) AS entry_count FROM participants p \
             LEFT JOIN entries e ON e.participant_id = p.id AND e.display_winner = 0 AND e.is_verified = 1 \
             WHERE p.giveaway_id = $1 AND p.ip IS NOT NULL AND ",
            counted_participant!(),
            " GROUP BY p.ip HAVING COUNT(DISTINCT p.id) > 1 ORDER BY entry_count DESC LIMIT $2"
        );
        let top_rows: Vec<(i64,)> = sqlx::query_as(top_sql)
            .bind(giveaway_id)
            .bind(top)
            .fetch_all(self.reader())
            .await?;
        Ok(FraudFigures {
            shared_ips,
            banned,
            disqualified,
            top_shared_ip_entries: top_rows.into_iter().map(|(n,)| n).collect(),
        })
    }
}

fn day_slot(days: &mut BTreeMap<i64, DayFigures>, day: i64) -> &mut DayFigures {
    days.entry(day).or_insert(DayFigures {
        day,
        ..DayFigures::default()
    })
}
