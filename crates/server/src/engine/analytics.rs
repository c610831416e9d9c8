//! The leaderboard, referral statistics and analytics of a giveaway, and the recording of page
//! views that feeds them. Every figure is aggregated from the recorded facts and counts what the
//! giveaway's counters count; ratios are computed here with exact half-up rounding, and are 0
//! where there is nothing to divide by.
//!
//! Page views never store who the visitor is: the visitor is a keyed hash (HMAC-SHA256 with a
//! secret kept in the data directory) of the giveaway and either the widget's own random visitor
//! id or the client's IP and User-Agent. Without the key the hashes cannot be matched to an IP,
//! and the same person gets unrelated hashes on different giveaways.

use super::{Engine, EngineError, EngineResult, Principal, random_bytes};
use fairdraw_core::entry_methods::catalog;
use fairdraw_core::giveaway::rules::is_country_code;
use fairdraw_core::time::format_utc;
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::StoreError;
use fairdraw_store::analytics::{CountryCount, LeaderRow, NewPageView, ReferrerRow};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};
use utoipa::ToSchema;

pub const LEADERBOARD_DISABLED: &str = "The leaderboard is not enabled for this giveaway.";
const TOP_REFERRERS: i64 = 50;
const TOP_COUNTRIES: i64 = 50;
const TOP_REFERRER_URLS: i64 = 20;
const TOP_SHARED_IPS: i64 = 10;
/// The longest span `daily` answers, in days.
pub const MAX_DAYS: i64 = 366;
pub const MAX_REFERRER_CHARS: usize = 2048;
pub const MAX_VISITOR_ID_CHARS: usize = 128;
const DAY_MS: i64 = 86_400_000;
const KEY_FILE: &str = "visitor-hash.key";

/// One place on the leaderboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leader {
    pub rank: i64,
    pub user_id: String,
    pub name: String,
    pub total_entries: i64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReferralSummary {
    pub total_referrals: i64,
    pub unique_referrers: i64,
    pub avg_referrals_per_referrer: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Overview {
    pub total_entries: i64,
    pub total_participants: i64,
    pub total_actions: i64,
    pub total_views: i64,
    pub unique_views: i64,
    /// Participants per unique view, in percent.
    pub conversion_rate: f64,
    pub avg_entries_per_user: f64,
    pub avg_actions_per_user: f64,
}

/// The figures of one UTC day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub total_views: i64,
    pub unique_views: i64,
    pub entries: i64,
    pub new_participants: i64,
}

/// The days `daily` covers, as given by the client (`YYYY-MM-DD`, both optional).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DateRange {
    pub date_from: Option<String>,
    pub date_to: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MethodShare {
    pub method_type: i64,
    pub name: String,
    pub total_entries: i64,
    pub unique_users: i64,
    /// Share of all counted entries, in percent, one decimal.
    pub percentage: f64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Geography {
    pub views_by_country: Vec<CountryCount>,
    pub participants_by_country: Vec<CountryCount>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferrerSource {
    pub url: String,
    pub domain: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fraud {
    pub duplicate_ip_entries: i64,
    pub banned_count: i64,
    pub disqualified_count: i64,
    /// Entries from each shared IP, most first; the IPs themselves are never shown.
    pub top_duplicate_ip_entries: Vec<i64>,
}

/// The optional body of a page-view call. Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PageViewInput {
    /// The page that linked to the giveaway; kept only when it is an http(s) URL, cut to 2,048
    /// characters.
    pub referrer: Option<String>,
    /// A stable random id the widget keeps in local storage, at most 128 characters. Without
    /// it, the visitor is told apart by IP address and User-Agent.
    pub visitor_id: Option<String>,
}

/// What the connection says about the visitor. Only a keyed hash of it is stored.
#[derive(Clone, Debug, Default)]
pub struct Visit {
    pub ip: String,
    pub user_agent: String,
    /// A country code from the edge proxy (`CF-IPCountry`), unchecked.
    pub country: Option<String>,
}

impl Engine {
    /// The top participants by entries, as many as the giveaway shows; refused unless the
    /// giveaway has its leaderboard turned on.
    pub async fn leaderboard(&self, who: &Principal, id: i64) -> EngineResult<Vec<Leader>> {
        let g = self.owned_giveaway(who, id).await?;
        if !g.settings.if_leaderboard {
            return Err(EngineError::Forbidden(LEADERBOARD_DISABLED.to_owned()));
        }
        let rows = self
            .db()
            .leaderboard(id, i64::from(g.settings.leaderboard_display_amount))
            .await?;
        Ok(rows
            .into_iter()
            .zip(1..)
            .map(|(r, rank): (LeaderRow, i64)| Leader {
                rank,
                user_id: r.user_id,
                name: r.name,
                total_entries: r.total_entries,
            })
            .collect())
    }

    pub async fn referral_summary(&self, who: &Principal, id: i64) -> EngineResult<ReferralSummary> {
        self.owned_giveaway(who, id).await?;
        let t = self.db().referral_totals(id).await?;
        Ok(ReferralSummary {
            total_referrals: t.referrals,
            unique_referrers: t.referrers,
            avg_referrals_per_referrer: decimal(t.referrals, t.referrers, 1, 2),
        })
    }

    pub async fn top_referrers(&self, who: &Principal, id: i64) -> EngineResult<Vec<ReferrerRow>> {
        self.owned_giveaway(who, id).await?;
        Ok(self.db().top_referrers(id, TOP_REFERRERS).await?)
    }

    pub async fn analytics_overview(&self, who: &Principal, id: i64) -> EngineResult<Overview> {
        let g = self.owned_giveaway(who, id).await?;
        let views = self.db().view_totals(id).await?;
        let (entries, participants, actions) = (g.row.total_entries, g.row.total_participants, g.row.total_actions);
        Ok(Overview {
            total_entries: entries,
            total_participants: participants,
            total_actions: actions,
            total_views: views.views,
            unique_views: views.unique_views,
            conversion_rate: decimal(participants, views.unique_views, 100, 2),
            avg_entries_per_user: decimal(entries, participants, 1, 2),
            avg_actions_per_user: decimal(actions, participants, 1, 2),
        })
    }

    /// Every UTC day of the range, with zeros for quiet days.
    pub async fn analytics_daily(&self, who: &Principal, id: i64, range: &DateRange) -> EngineResult<Vec<Day>> {
        self.owned_giveaway(who, id).await?;
        let mut errors = FieldErrors::new();
        let from = parse_day(&mut errors, "date_from", range.date_from.as_deref());
        let to = parse_day(&mut errors, "date_to", range.date_to.as_deref());
        errors.into_result()?;
        let span = match (from, to) {
            (Some(_), Some(_)) => None,
            _ => self
                .db()
                .activity_span(id)
                .await?
                .map(|(first, last)| (first.div_euclid(DAY_MS), last.div_euclid(DAY_MS))),
        };
        let Some((first, last)) = resolve_days(from, to, span)? else {
            return Ok(Vec::new());
        };
        let mut figures = self.db().daily_figures(id, first, last).await?.into_iter().peekable();
        let mut days = Vec::new();
        for day in first..=last {
            let f = figures.next_if(|f| f.day == day).unwrap_or_default();
            days.push(Day {
                date: day_text(day),
                total_views: f.views,
                unique_views: f.unique_views,
                entries: f.entries,
                new_participants: f.new_participants,
            });
        }
        Ok(days)
    }

    pub async fn analytics_entry_methods(&self, who: &Principal, id: i64) -> EngineResult<Vec<MethodShare>> {
        self.owned_giveaway(who, id).await?;
        let rows = self.db().entries_by_method(id).await?;
        let all: i64 = rows.iter().map(|r| r.total_entries).sum();
        Ok(rows
            .into_iter()
            .map(|r| MethodShare {
                name: catalog::find(r.method_type)
                    .map_or_else(|| format!("Entry method {}", r.method_type), |t| t.name.to_owned()),
                method_type: r.method_type,
                percentage: decimal(r.total_entries, all, 100, 1),
                total_entries: r.total_entries,
                unique_users: r.unique_users,
            })
            .collect())
    }

    pub async fn analytics_geography(&self, who: &Principal, id: i64) -> EngineResult<Geography> {
        self.owned_giveaway(who, id).await?;
        Ok(Geography {
            views_by_country: self.db().views_by_country(id, TOP_COUNTRIES).await?,
            participants_by_country: self.db().participants_by_country(id, TOP_COUNTRIES).await?,
        })
    }

    pub async fn analytics_referrers(&self, who: &Principal, id: i64) -> EngineResult<Vec<ReferrerSource>> {
        self.owned_giveaway(who, id).await?;
        let rows = self.db().views_by_referrer(id, TOP_REFERRER_URLS).await?;
        Ok(rows
            .into_iter()
            .map(|r| ReferrerSource {
                domain: url_host(&r.referrer),
                url: r.referrer,
                count: r.count,
            })
            .collect())
    }

    pub async fn analytics_fraud(&self, who: &Principal, id: i64) -> EngineResult<Fraud> {
        self.owned_giveaway(who, id).await?;
        let f = self.db().fraud_figures(id, TOP_SHARED_IPS).await?;
        Ok(Fraud {
            duplicate_ip_entries: f.shared_ips,
            banned_count: f.banned,
            disqualified_count: f.disqualified,
            top_duplicate_ip_entries: f.top_shared_ip_entries,
        })
    }

    /// Records a view of a published giveaway's page. Drafts and deleted giveaways are "not
    /// found", as they are to the public everywhere. `data_dir` holds the hashing key.
    pub async fn record_page_view(
        &self,
        id: i64,
        input: PageViewInput,
        visit: Visit,
        data_dir: &Path,
    ) -> EngineResult<()> {
        match self.db().giveaway(id).await {
            Ok(row) if row.is_draft == 0 => {}
            Ok(_) | Err(StoreError::NotFound) => return Err(EngineError::NotFound("Giveaway")),
            Err(e) => return Err(e.into()),
        }
        let visitor_id = input.visitor_id.as_deref().map(str::trim).filter(|v| !v.is_empty());
        if visitor_id.is_some_and(|v| v.chars().count() > MAX_VISITOR_ID_CHARS) {
            return Err(FieldErrors::one("visitor_id", format!("At most {MAX_VISITOR_ID_CHARS} characters.")).into());
        }
        let key = visitor_key(data_dir).await?;
        let visitor = match visitor_id {
            Some(v) => visitor_hash(&key, id, &["id", v]),
            None => visitor_hash(&key, id, &["ip", &visit.ip, &visit.user_agent]),
        };
        let country = visit
            .country
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| is_country_code(c));
        self.db()
            .insert_page_view(&NewPageView {
                giveaway_id: id,
                visitor,
                referrer: input.referrer.as_deref().and_then(clean_referrer),
                country,
                now: self.now_ms(),
            })
            .await?;
        Ok(())
    }
}

/// `num / den × scale`, rounded half up to `places` decimals; 0 when `den` is not positive.
fn decimal(num: i64, den: i64, scale: i64, places: u32) -> f64 {
    if den <= 0 || num <= 0 {
        return 0.0;
    }
    let unit = 10_i128.pow(places);
    let scaled = i128::from(num) * i128::from(scale) * unit;
    let den = i128::from(den);
    let rounded = (2 * scaled + den) / (2 * den);
    rounded as f64 / unit as f64
}

/// Parses a `YYYY-MM-DD` date into a day number (days since 1970-01-01).
fn parse_day(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<i64> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let day = shaped
        .then(|| value.parse::<jiff::civil::Date>().ok())
        .flatten()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp().as_millisecond().div_euclid(DAY_MS));
    if day.is_none() {
        errors.add(field, "Must be a date in YYYY-MM-DD format.");
    }
    day
}

fn day_text(day: i64) -> String {
    format_utc(day * DAY_MS).chars().take(10).collect()
}

/// The days `daily` covers. A bound left out defaults to the first or last day of activity
/// (`span`), and the range to at most [`MAX_DAYS`] days; with no bound and no activity there is
/// nothing to show (`None`).
fn resolve_days(
    from: Option<i64>,
    to: Option<i64>,
    span: Option<(i64, i64)>,
) -> Result<Option<(i64, i64)>, FieldErrors> {
    let reach = MAX_DAYS - 1;
    let (first, last) = match (from, to) {
        (Some(f), Some(t)) => {
            if f > t {
                return Err(FieldErrors::one("date_to", "Must not be before date_from."));
            }
            if t - f > reach {
                return Err(FieldErrors::one(
                    "date_to",
                    format!("The range may cover at most {MAX_DAYS} days."),
                ));
            }
            (f, t)
        }
        (Some(f), None) => (f, span.map_or(f, |(_, last)| last.clamp(f, f + reach))),
        (None, Some(t)) => (span.map_or(t, |(first, _)| first.clamp(t - reach, t)), t),
        (None, None) => match span {
            Some((first, last)) => (first.max(last - reach), last),
            None => return Ok(None),
        },
    };
    Ok(Some((first, last)))
}

/// The host of a URL, lower-cased, without user info or port.
fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().map_or(String::new(), |h| format!("[{h}]")),
        None => host_port.split(':').next().unwrap_or("").to_owned(),
    };
    host.to_ascii_lowercase()
}

/// A referrer worth keeping: an http(s) URL with a host, without spaces or control
/// characters, cut to [`MAX_REFERRER_CHARS`].
fn clean_referrer(raw: &str) -> Option<String> {
    let url = raw.trim();
    let scheme_ok = ["http://", "https://"]
        .iter()
        .any(|s| url.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)));
    if !scheme_ok || url.chars().any(|c| c.is_control() || c.is_whitespace()) || url_host(url).is_empty() {
        return None;
    }
    Some(url.chars().take(MAX_REFERRER_CHARS).collect())
}

type Key = Arc<[u8; 32]>;

/// The hashing key of each data directory, loaded once. Keyed by directory because one process
/// may run several servers (the tests do); the async mutex makes a first use create the file
/// once.
static KEYS: LazyLock<tokio::sync::Mutex<HashMap<PathBuf, Key>>> = LazyLock::new(Default::default);

async fn visitor_key(dir: &Path) -> EngineResult<Key> {
    let mut keys = KEYS.lock().await;
    if let Some(k) = keys.get(dir) {
        return Ok(k.clone());
    }
    let owned = dir.to_owned();
    let key = tokio::task::spawn_blocking(move || load_or_create_key(&owned))
        .await
        .map_err(|e| EngineError::Internal(Box::new(e)))?
        .map_err(|e| EngineError::Internal(format!("visitor hash key in {}: {e}", dir.display()).into()))?;
    let key = Arc::new(key);
    keys.insert(dir.to_owned(), key.clone());
    Ok(key)
}

fn load_or_create_key(dir: &Path) -> std::io::Result<[u8; 32]> {
    use std::io::{ErrorKind, Write};
    let path = dir.join(KEY_FILE);
    let read = |path: &Path| -> std::io::Result<[u8; 32]> {
        let bytes = std::fs::read(path)?;
        <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| std::io::Error::new(ErrorKind::InvalidData, "the key file must hold exactly 32 bytes"))
    };
    match read(&path) {
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        other => return other,
    }
    std::fs::create_dir_all(dir)?;
    let key: [u8; 32] = random_bytes();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(&key)?;
            file.sync_all()?;
            Ok(key)
        }
        // Another process sharing the directory created it first.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => read(&path),
        Err(e) => Err(e),
    }
}

/// HMAC-SHA256 of the giveaway and the visitor's parts, NUL-separated, first 16 bytes in hex.
fn visitor_hash(key: &[u8; 32], giveaway_id: i64, parts: &[&str]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(giveaway_id.to_string().as_bytes());
    for p in parts {
        mac.update(b"\0");
        mac.update(p.as_bytes());
    }
    hex::encode(&mac.finalize().into_bytes()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_half_up_and_never_divide_by_zero() {
        assert_eq!(decimal(234, 89, 1, 2), 2.63);
        assert_eq!(decimal(1893, 12871, 100, 2), 14.71);
        assert_eq!(decimal(4218, 1893, 1, 2), 2.23);
        assert_eq!(decimal(1893, 4218, 100, 1), 44.9);
        assert_eq!(decimal(1, 8, 1, 2), 0.13);
        assert_eq!(decimal(5, 0, 100, 2), 0.0);
        assert_eq!(decimal(0, 7, 1, 2), 0.0);
        assert_eq!(decimal(2, 1, 1, 2), 2.0);
    }

    #[test]
    fn dates_parse_strictly() {
        let mut e = FieldErrors::new();
        assert_eq!(parse_day(&mut e, "d", Some("1970-01-02")), Some(1));
        assert_eq!(parse_day(&mut e, "d", Some("2026-06-15")), Some(20_619));
        assert_eq!(parse_day(&mut e, "d", None), None);
        assert!(e.is_empty());
        for bad in ["2026-02-30", "20260601", "2026-6-01", "yesterday", "2026-06-01T00:00"] {
            let mut e = FieldErrors::new();
            assert_eq!(parse_day(&mut e, "d", Some(bad)), None, "{bad}");
            assert_eq!(e.iter().count(), 1, "{bad}");
        }
        assert_eq!(day_text(20_619), "2026-06-15");
    }

    #[test]
    fn ranges_default_to_activity_and_stay_bounded() {
        assert_eq!(resolve_days(None, None, None).unwrap(), None);
        assert_eq!(resolve_days(None, None, Some((10, 12))).unwrap(), Some((10, 12)));
        assert_eq!(resolve_days(None, None, Some((0, 1000))).unwrap(), Some((635, 1000)));
        assert_eq!(resolve_days(Some(5), None, Some((10, 12))).unwrap(), Some((5, 12)));
        assert_eq!(resolve_days(Some(20), None, Some((10, 12))).unwrap(), Some((20, 20)));
        assert_eq!(resolve_days(Some(0), None, Some((0, 1000))).unwrap(), Some((0, 365)));
        assert_eq!(resolve_days(None, Some(11), Some((10, 12))).unwrap(), Some((10, 11)));
        assert_eq!(resolve_days(None, Some(3), None).unwrap(), Some((3, 3)));
        assert_eq!(resolve_days(Some(3), Some(3), None).unwrap(), Some((3, 3)));
        assert_eq!(resolve_days(Some(0), Some(365), None).unwrap(), Some((0, 365)));
        assert!(resolve_days(Some(0), Some(366), None).is_err());
        assert!(resolve_days(Some(4), Some(3), None).is_err());
    }

    #[test]
    fn hosts_and_referrers() {
        assert_eq!(url_host("https://www.Instagram.com/p/abc123/"), "www.instagram.com");
        assert_eq!(url_host("http://user:pw@example.com:8080/x?y#z"), "example.com");
        assert_eq!(url_host("https://[2001:db8::1]:443/"), "[2001:db8::1]");
        assert_eq!(url_host("https://myblog.com?x=1"), "myblog.com");
        assert_eq!(clean_referrer(" https://t.co/x ").as_deref(), Some("https://t.co/x"));
        assert_eq!(clean_referrer("HTTP://A.example").as_deref(), Some("HTTP://A.example"));
        for bad in [
            "javascript:alert(1)",
            "ftp://x.example",
            "https://",
            "https://a b.example",
            "not a url",
        ] {
            assert_eq!(clean_referrer(bad), None, "{bad}");
        }
        let long = format!("https://a.example/{}", "x".repeat(5000));
        assert_eq!(
            clean_referrer(&long).map(|s| s.chars().count()),
            Some(MAX_REFERRER_CHARS)
        );
    }

    #[test]
    fn visitor_hashes_are_keyed_and_per_giveaway() {
        let k1 = [1u8; 32];
        let k2 = [2u8; 32];
        let a = visitor_hash(&k1, 7, &["ip", "203.0.113.9", "UA"]);
        assert_eq!(a.len(), 32);
        assert_eq!(a, visitor_hash(&k1, 7, &["ip", "203.0.113.9", "UA"]));
        assert_ne!(a, visitor_hash(&k2, 7, &["ip", "203.0.113.9", "UA"]));
        assert_ne!(a, visitor_hash(&k1, 8, &["ip", "203.0.113.9", "UA"]));
        assert_ne!(a, visitor_hash(&k1, 7, &["ip", "203.0.113.9", "UA2"]));
        assert!(!a.contains("203"));
    }

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("data");
        let first = load_or_create_key(&sub).unwrap();
        assert_eq!(std::fs::read(sub.join(KEY_FILE)).unwrap(), first);
        assert_eq!(load_or_create_key(&sub).unwrap(), first);
        std::fs::write(sub.join(KEY_FILE), b"short").unwrap();
        assert!(load_or_create_key(&sub).is_err());
    }
}
