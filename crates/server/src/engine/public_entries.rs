//! The public entry endpoint: entering a giveaway, completing its entry methods, and following
//! the e-mailed verification link. Every `rules_config` rule is enforced here and each refusal
//! names its rule. The rules that concurrent requests could race past (a participant created
//! twice, the duplicate-IP rule, an action done twice, the participant and entry limits) are
//! checked again inside the entry writer's transaction.

mod captcha;
mod form;
pub mod gallery;
mod geo;
mod limiter;
pub mod page;
mod refusals;
mod rules;
pub mod signin;

pub use captcha::{CaptchaVerifier, Unavailable, Verdict};
pub use form::{ActionDone, ActionInput, Entered, EntryInput};
pub use geo::{CountryLookup, MaxMind};
pub use limiter::LocalLimiter;
pub use refusals::{PublicError, PublicResult, Rule};

use super::cache::EntryConfig;
use super::{Engine, EngineError, Giveaway, random_bytes};
use crate::config::{Config, PublicConfig};
use fairdraw_core::account::RateLimits;
use fairdraw_core::entry_methods::{REFER_A_FRIEND, UPLOAD_A_PHOTO, USER_DETAILS};
use fairdraw_core::giveaway::Status;
use fairdraw_core::lists::canonical_ip;
use fairdraw_core::validation::{FieldErrors, max_len};
use fairdraw_store::StoreError;
use fairdraw_store::entries::{Entrant, NewEntry, NewJob, PendingVerification, PublicExtras, Refusal};
use fairdraw_store::entry_methods::EntryMethodRow;
use fairdraw_store::ratelimit::{Hit, RateLimiter};
use form::{EntryForm, MAX_VALUE};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use refusals::{accepted, duplicate_ip, internal, refusal, refused, refused_pending};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Where a call comes from, as the surface determined it.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The client's address: the connection's peer, or what the configured proxy header says.
    pub ip: IpAddr,
    /// The value of the configured country header, when one is configured and sent.
    pub header_country: Option<String>,
}

/// A fresh secret for a participant or a verification link, and the hash that is stored.
fn new_token() -> (String, String) {
    let token = hex::encode(random_bytes::<32>());
    let hash = token_hash(&token);
    (token, hash)
}

pub(super) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Hex digits of a participant token before its secret part: the time it was issued in ms (12),
/// then 12 random ones.
const SELECTOR_LEN: usize = 24;

/// A participant token (64 hex digits, as before: a selector, then 160 random bits) and the key
/// stored for it. The key is the selector followed by the SHA-256 of the whole token, so the
/// tokens issued one after another sit together in the table's index instead of each landing on
/// a random page of it; only the hash of the secret is kept.
fn new_participant_token(now_ms: i64) -> (String, String) {
    let time = u64::try_from(now_ms).unwrap_or(0).to_be_bytes();
    let mut token = hex::encode(&time[2..]);
    token.push_str(&hex::encode(random_bytes::<26>()));
    let key = participant_token_key(&token);
    (token, key)
}

/// The stored key of a participant token (see [`new_participant_token`]).
pub(super) fn participant_token_key(token: &str) -> String {
    let token = token.trim();
    let selector = token.get(..SELECTOR_LEN).unwrap_or(token);
    format!("{selector}{}", token_hash(token))
}

/// Today's date and the instant it began, in the giveaway's own time zone.
fn local_today(g: &Giveaway, now_ms: i64) -> (Date, i64) {
    let tz = TimeZone::get(&g.row.time_zone).unwrap_or(TimeZone::UTC);
    let now = Timestamp::from_millisecond(now_ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(tz);
    let start = now.start_of_day().map_or(now_ms, |z| z.timestamp().as_millisecond());
    (now.date(), start)
}

/// The rate-limit subject of an address: IPv6 clients usually hold a whole /64, so it counts as one.
fn ip_subject(ip: IpAddr) -> String {
    match canonical_ip(ip) {
        IpAddr::V6(v6) => {
            let net = u128::from(v6) & !(u128::MAX >> 64);
            format!("ip:{}/64", std::net::Ipv6Addr::from(net))
        }
        v4 => format!("ip:{v4}"),
    }
}

impl Engine {
    /// `POST /api/public/giveaways/{id}/entries`: enters a person, or finds the participant
    /// they already are (then no second "User Details" entry is made), and hands out a fresh
    /// participant token either way.
    pub async fn enter_giveaway(
        &self,
        config: &Config,
        origin: &Origin,
        id: i64,
        input: EntryInput,
    ) -> PublicResult<Entered> {
        let public = &config.public;
        self.admit_public(public, origin.ip, Some(id)).await?;
        let cfg = self.live_giveaway(id).await?;
        let g = &cfg.giveaway;
        let (today, _) = local_today(g, self.now_ms());
        let form = EntryForm::parse(input, g, today)?;
        let rc = &g.rules_config;
        let country = self.entrant_country(public, origin, form.country.clone())?;
        if !rules::country_allowed(&rc.countries_allowed, country.as_deref()) {
            return Err(refused(
                Rule::Country,
                match &country {
                    Some(c) => format!("Entries from {c} are not accepted in this giveaway."),
                    None => {
                        "This giveaway is open to some countries only, and yours could not be determined.".to_owned()
                    }
                },
            ));
        }
        if let Some(birthday) = form.birthday {
            let age = rules::age_on(birthday, today);
            if !rules::age_allowed(age, rc.age_limit, &rc.age_limit_type) {
                return Err(refused(
                    Rule::AgeLimit,
                    if rc.age_limit_type == "maximum" {
                        format!("This giveaway is for entrants aged {} or younger.", rc.age_limit)
                    } else {
                        format!(
                            "You must be at least {} years old to enter this giveaway.",
                            rc.age_limit
                        )
                    },
                ));
            }
        }
        if rc.block_high_risk_email_tld && rules::disposable_email(form.email.as_str()) {
            return Err(refused(
                Rule::EmailDomain,
                "Disposable or high-risk e-mail addresses cannot enter this giveaway.",
            ));
        }
        self.network_rules(public, &cfg, origin.ip, form.email.as_str()).await?;
        if g.settings.require_captcha {
            let verifier = self.inner.captcha.get().filter(|_| public.captcha.is_some()).ok_or(
                PublicError::CaptchaUnavailable(
                    "This giveaway requires a captcha, but no captcha provider is configured on this server.",
                ),
            )?;
            check_captcha(verifier.as_ref(), form.captcha_token.as_deref(), origin.ip).await?;
        }
        if cfg.has_whitelist && !self.whitelist_contains(id, form.email.as_str()).await? {
            return Err(refused(
                Rule::Whitelist,
                "This giveaway is open to invited e-mail addresses only.",
            ));
        }
        let ip = canonical_ip(origin.ip).to_string();
        if rc.check_for_duplicate_ip && self.db().ip_taken(id, &ip, form.email.as_str()).await? {
            return Err(duplicate_ip());
        }

        let methods = &cfg.methods;
        let details = methods.iter().find(|m| m.method_type == USER_DETAILS);
        let (token, token_key) = new_participant_token(self.now_ms());
        let verification = rc.require_email_verification.then(|| {
            let (link_token, link_hash) = new_token();
            PendingVerification {
                token_hash: link_hash,
                job: NewJob::new(
                    "email.verification",
                    json!({
                        "giveaway_id": id,
                        "giveaway_title": g.row.title,
                        "email": form.email.as_str(),
                        "name": form.name,
                        "link": format!("{}/api/public/verify-email/{link_token}", config.public_url),
                    }),
                ),
            }
        });
        let extras = PublicExtras {
            once_since: Some(i64::MIN),
            unique_ip: rc.check_for_duplicate_ip,
            token_hash: Some(token_key),
            verification,
            referral_credit: methods
                .iter()
                .find(|m| m.method_type == REFER_A_FRIEND)
                .map(|m| NewEntry {
                    entry_method_id: Some(m.id),
                    method_type: REFER_A_FRIEND,
                    amount: m.amount,
                    value: None,
                }),
            unlock_rewards: g.settings.if_unlock_rewards,
            // While a verification is pending, its e-mail is the one the entrant gets.
            confirmation: (cfg.sends_confirmation && !rc.require_email_verification).then(|| {
                // The writer adds the participant's user_id; the handler reads the rest when it sends.
                NewJob::new("email.confirmation", json!({ "giveaway_id": id }))
            }),
        };
        let entrant = Entrant {
            email: form.email.as_str().to_owned(),
            name: form.name,
            country: country.or(form.country),
            birthday: form.birthday.map(|d| d.to_string()),
            ip: Some(ip),
            referred_by_code: form.referral_code,
            verified: !rc.require_email_verification,
        };
        let entry = NewEntry {
            entry_method_id: details.map(|m| m.id),
            method_type: USER_DETAILS,
            amount: details.map_or(1, |m| m.amount),
            value: None,
        };
        let outcome = self.record_entries_with(g, entrant, vec![entry], Some(extras)).await?;
        let (recorded, public) = accepted(outcome)?;
        Ok(Entered {
            referral_link: format!(
                "{}/view/{}?ref={}",
                config.public_url,
                g.public_key(),
                recorded.referral_code
            ),
            user_id: recorded.user_id,
            participant_token: token,
            total_entries: recorded.total_entries,
            referral_code: recorded.referral_code,
            is_new_user: recorded.is_new,
            email_verification_required: !public.is_verified,
        })
    }

    /// `POST /api/public/giveaways/{id}/actions`: completes one entry method for the participant
    /// holding the token.
    pub async fn complete_action(
        &self,
        config: &Config,
        origin: &Origin,
        id: i64,
        input: ActionInput,
    ) -> PublicResult<ActionDone> {
        self.complete_method(config, origin, id, input, false).await
    }

    /// Completes one entry method; `with_photo` when the call carries the photo of an "Upload a
    /// Photo" method (see `gallery`), which no other call can complete.
    async fn complete_method(
        &self,
        config: &Config,
        origin: &Origin,
        id: i64,
        input: ActionInput,
        with_photo: bool,
    ) -> PublicResult<ActionDone> {
        let public = &config.public;
        self.admit_public(public, origin.ip, Some(id)).await?;
        let cfg = self.live_giveaway(id).await?;
        let g = &cfg.giveaway;
        let mut errors = FieldErrors::new();
        let token = input.participant_token.unwrap_or_default();
        if token.trim().is_empty() {
            errors.add("participant_token", "The participant token from the entry is required.");
        }
        if input.entry_method_id.is_none() {
            errors.add("entry_method_id", "The entry method's id is required.");
        }
        max_len(&mut errors, "value", "Value", input.value.as_deref(), MAX_VALUE);
        errors.into_result()?;
        // Tokens issued before keys began with their selector were stored by their hash alone.
        let keys = [participant_token_key(&token), token_hash(&token)];
        let Some(holder) = self.db().participant_by_token(id, &keys).await? else {
            return Err(EngineError::Unauthorized(
                "Unknown participant token: enter the giveaway first, then use the token it returns.".to_owned(),
            )
            .into());
        };
        match holder.status.as_str() {
            "banned" => return Err(refusal(Refusal::Banned)),
            "disqualified" => return Err(refusal(Refusal::Disqualified)),
            _ => {}
        }
        self.network_rules(public, &cfg, origin.ip, &holder.email).await?;
        let methods = &cfg.methods;
        let method_id = input.entry_method_id.unwrap_or_default();
        let method = methods
            .iter()
            .find(|m| m.id == method_id)
            .ok_or(EngineError::NotFound("Entry method"))?;
        match method.method_type {
            USER_DETAILS => {
                return Err(refused(
                    Rule::Once,
                    "User Details is completed by entering the giveaway.",
                ));
            }
            REFER_A_FRIEND => {
                return Err(FieldErrors::one(
                    "entry_method_id",
                    "Refer a Friend entries are earned when friends enter through your referral link.",
                )
                .into());
            }
            UPLOAD_A_PHOTO if !with_photo => {
                return Err(FieldErrors::one(
                    "entry_method_id",
                    "This entry method takes a photo: upload it on the giveaway's page.",
                )
                .into());
            }
            _ => {}
        }
        if method.required == 0 {
            self.check_required(methods, holder.id).await?;
        }
        let (_, start_of_day) = local_today(g, self.now_ms());
        let daily = method.daily != 0;
        let extras = PublicExtras {
            once_since: Some(if daily { start_of_day } else { i64::MIN }),
            unlock_rewards: g.settings.if_unlock_rewards,
            ..PublicExtras::default()
        };
        let entrant = Entrant {
            email: holder.email,
            name: holder.name,
            country: holder.country,
            birthday: None,
            ip: Some(canonical_ip(origin.ip).to_string()),
            referred_by_code: None,
            verified: holder.is_verified == 1,
        };
        let entry = NewEntry {
            entry_method_id: Some(method.id),
            method_type: method.method_type,
            amount: method.amount,
            value: input.value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()),
        };
        let outcome = self.record_entries_with(g, entrant, vec![entry], Some(extras)).await?;
        let (recorded, _) = accepted(outcome)?;
        let Some(&entry_id) = recorded.entry_ids.first() else {
            return Err(if daily {
                refused(
                    Rule::Daily,
                    "You already completed this entry method today; come back tomorrow.",
                )
            } else {
                refused(Rule::Once, "You already completed this entry method.")
            });
        };
        Ok(ActionDone {
            total_entries: recorded.total_entries,
            entry_id,
        })
    }

    /// `GET /api/public/verify-email/{token}`: the participant and their entries become
    /// verified and start to count. Following the link again changes nothing.
    pub async fn verify_email(&self, config: &Config, origin: &Origin, token: &str) -> PublicResult<()> {
        self.admit_public(&config.public, origin.ip, None).await?;
        let hash = token_hash(token);
        let not_found = || EngineError::NotFound("Verification link");
        let link = self.db().verification_link(&hash).await?.ok_or_else(not_found)?;
        let g = match self.db().giveaway(link.giveaway_id).await {
            Ok(row) => self.view(row),
            Err(StoreError::NotFound) => return Err(not_found().into()),
            Err(e) => return Err(e.into()),
        };
        self.db()
            .confirm_email(link, &hash, g.settings.if_unlock_rewards, self.now_ms())
            .await?;
        Ok(())
    }

    /// Counts one public call against the per-address and per-giveaway limits: in Redis when it
    /// is configured, else in this process (see `limiter`).
    async fn admit_public(&self, config: &PublicConfig, ip: IpAddr, giveaway: Option<i64>) -> PublicResult<()> {
        let now_ms = self.now_ms();
        let mut checks = Vec::with_capacity(2);
        if config.ip_rpm > 0 {
            let limits = RateLimits {
                rpm: config.ip_rpm,
                rpd: u32::MAX,
                burst: config.ip_rpm,
            };
            checks.push((ip_subject(ip), limits));
        }
        if let (Some(id), true) = (giveaway, config.giveaway_rps > 0) {
            let limits = RateLimits {
                rpm: config.giveaway_rps.saturating_mul(60),
                rpd: u32::MAX,
                burst: config.giveaway_rps,
            };
            checks.push((format!("giveaway:{id}"), limits));
        }
        for (subject, limits) in checks {
            if !matches!(self.inner.limiter, RateLimiter::Redis(_)) {
                self.inner
                    .public_limiter
                    .hit(&subject, limits.rpm, limits.burst, now_ms)
                    .map_err(|retry_after| PublicError::RateLimited { retry_after })?;
                continue;
            }
            let verdict = self
                .inner
                .limiter
                .hit(&Hit {
                    subject: &subject,
                    limits,
                    minute_cost: 1,
                    now_ms,
                })
                .await?;
            if !verdict.allowed {
                return Err(PublicError::RateLimited {
                    retry_after: verdict.retry_after.max(1),
                });
            }
        }
        Ok(())
    }

    /// The giveaway's entry configuration (read at most a second ago, see `cache`), if it takes
    /// entries now. Drafts and deleted giveaways do not exist for the public.
    async fn live_giveaway(&self, id: i64) -> PublicResult<Arc<EntryConfig>> {
        let (cfg, status) = match self.entry_config(id).await {
            Ok(found) => found,
            Err(StoreError::NotFound) => return Err(EngineError::NotFound("Giveaway").into()),
            Err(e) => return Err(e.into()),
        };
        match status {
            Status::Live => Ok(cfg),
            Status::Draft => Err(EngineError::NotFound("Giveaway").into()),
            Status::Scheduled => Err(refused(Rule::GiveawayLive, "This giveaway has not started yet.")),
            Status::Expired => Err(refused(Rule::GiveawayLive, "This giveaway has ended.")),
        }
    }

    /// The country the `countries_allowed` rule judges (see [`rules::judged_country`]).
    fn entrant_country(
        &self,
        config: &PublicConfig,
        origin: &Origin,
        declared: Option<String>,
    ) -> PublicResult<Option<String>> {
        let header = rules::country_code(origin.header_country.as_deref());
        let geoip = match (&header, &config.geoip_db) {
            (None, Some(path)) => {
                let db = geo::database(path).map_err(internal)?;
                rules::country_code(db.country(origin.ip).as_deref())
            }
            _ => None,
        };
        let trusted = config.country_header.is_some() || config.geoip_db.is_some();
        Ok(rules::judged_country(trusted, header, geoip, declared))
    }

    /// The country the trusted sources report for a caller (the configured header, then the
    /// GeoIP database), for analytics: `None` when neither is configured or knows. A GeoIP
    /// database that cannot be opened is logged, not an error, since a page view must not fail
    /// for it.
    pub fn origin_country(&self, config: &PublicConfig, origin: &Origin) -> Option<String> {
        if let Some(c) = rules::country_code(origin.header_country.as_deref()) {
            return Some(c);
        }
        let path = config.geoip_db.as_ref()?;
        match geo::database(path) {
            Ok(db) => rules::country_code(db.country(origin.ip).as_deref()),
            Err(e) => {
                tracing::warn!(error = %e, "the GeoIP database cannot be read");
                None
            }
        }
    }

    /// The rules about where a call comes from and who makes it, checked on entries and
    /// actions alike: VPN ranges and the blacklist.
    async fn network_rules(
        &self,
        config: &PublicConfig,
        cfg: &EntryConfig,
        ip: IpAddr,
        email: &str,
    ) -> PublicResult<()> {
        let g = &cfg.giveaway;
        if g.rules_config.block_vpns {
            if config.vpn_ranges.is_empty() {
                static WARNED: AtomicBool = AtomicBool::new(false);
                if !WARNED.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        "a giveaway blocks VPNs but no vpn_ranges lists are configured; the rule cannot apply"
                    );
                }
            } else {
                let ranges = rules::vpn_ranges(&config.vpn_ranges).map_err(|e| internal(e.to_string()))?;
                if ranges.contains(ip) {
                    return Err(refused(
                        Rule::Vpn,
                        "Entries through VPNs or proxies are not accepted in this giveaway.",
                    ));
                }
            }
        }
        if cfg.has_blacklist && self.blacklist_matches(g.id(), Some(email), Some(ip)).await? {
            return Err(refused(
                Rule::Blacklist,
                "This e-mail address or network is blocked from this giveaway.",
            ));
        }
        Ok(())
    }

    /// A non-required method counts only once every required one is done. User Details is done
    /// by entering (also when the owner added the participant), and Refer a Friend is done by
    /// friends, so neither can hold anyone back.
    async fn check_required(&self, methods: &[EntryMethodRow], participant_id: i64) -> PublicResult<()> {
        let done = self.db().completed_methods(participant_id).await?;
        let pending: Vec<i64> = methods
            .iter()
            .filter(|m| m.required != 0 && !matches!(m.method_type, USER_DETAILS | REFER_A_FRIEND))
            .filter(|m| !done.contains(&m.id))
            .map(|m| m.id)
            .collect();
        if pending.is_empty() {
            return Ok(());
        }
        Err(refused_pending(
            Rule::RequiredMethods,
            "Complete the giveaway's required entry methods first.",
            pending,
        ))
    }
}

/// Checks a captcha token with `verifier`.
pub async fn check_captcha(verifier: &dyn CaptchaVerifier, token: Option<&str>, ip: IpAddr) -> PublicResult<()> {
    let Some(token) = token else {
        return Err(refused(Rule::Captcha, "Please complete the captcha."));
    };
    match verifier.verify(token, ip).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(refused(Rule::Captcha, "The captcha was not solved; please try again.")),
        Err(e) => {
            tracing::warn!(error = %e, "captcha verification failed");
            Err(PublicError::CaptchaUnavailable(
                "The captcha cannot be checked right now; please try again in a moment.",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (token, hash) = new_token();
        assert_eq!(token.len(), 64);
        assert_eq!(hash, token_hash(&token));
        assert_ne!(hash, token);
        assert_ne!(new_token().0, token);
    }

    #[test]
    fn participant_tokens_lead_with_their_time() {
        let now = 1_781_524_800_000;
        let (token, key) = new_participant_token(now);
        assert_eq!(token.len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(&token[..12], format!("{now:012x}"));
        assert_eq!(key, format!("{}{}", &token[..SELECTOR_LEN], token_hash(&token)));
        assert_eq!(participant_token_key(&format!(" {token}\n")), key);
        assert!(!key.contains(&token[SELECTOR_LEN..]), "the secret part is not stored");
        let (later, later_key) = new_participant_token(now + 1);
        assert_ne!(later, token);
        assert!(later_key > key);
    }

    #[test]
    fn rate_subjects() {
        assert_eq!(ip_subject("203.0.113.9".parse().unwrap()), "ip:203.0.113.9");
        assert_eq!(ip_subject("::ffff:203.0.113.9".parse().unwrap()), "ip:203.0.113.9");
        assert_eq!(
            ip_subject("2001:db8:1:2:3:4:5:6".parse().unwrap()),
            "ip:2001:db8:1:2::/64"
        );
    }
}
