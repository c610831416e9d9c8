//! Accounts, brands, keys, and who a presented key belongs to.

use super::{Engine, EngineError, EngineResult, random_bytes};
use fairdraw_core::account::{LimitOverrides, Plan, RateLimits};
use fairdraw_core::apikey::{KeyKind, NewKey, hash_key};
use fairdraw_core::secret::Secret;
use fairdraw_core::validation::{Email, FieldErrors};
use fairdraw_store::StoreError;
use fairdraw_store::accounts::{KeyToStore, NewAccount as StoreNewAccount};
use fairdraw_store::keys::{KeyOwner, KeyRow};
use std::sync::Arc;

/// What it takes to open an account.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub email: String,
    pub username: Option<String>,
    pub brand_name: String,
    pub plan: Plan,
    pub overrides: LimitOverrides,
}

/// A new account with its first brand and keys. The keys are shown once, here.
#[derive(Debug)]
pub struct IssuedAccount {
    pub account_id: i64,
    pub brand_id: i64,
    pub secret_key: Secret<String>,
    pub public_key: Secret<String>,
}

#[derive(Debug)]
pub struct IssuedKey {
    pub key_id: i64,
    pub brand_id: i64,
    pub kind: KeyKind,
    pub key: Secret<String>,
}

/// The authenticated caller of a request: its key, brand and account, and its limits.
#[derive(Clone, Debug)]
pub struct Principal {
    pub key_id: i64,
    /// Names the key in shared counters (Redis may serve several databases): a prefix of its
    /// hash, unique across installations where a row id is not.
    pub rate_subject: String,
    pub brand_id: i64,
    pub account_id: i64,
    pub plan: Plan,
    pub limits: RateLimits,
}

#[derive(Clone, Debug)]
pub struct AccountDetails {
    pub user_id: i64,
    pub email: String,
    pub username: Option<String>,
    pub plan: Plan,
    pub payment_platform: i64,
    pub website_id: i64,
    pub website_name: Option<String>,
    pub total_giveaways: i64,
    pub created_at_ms: i64,
}

#[derive(Clone, Debug)]
pub struct BrandSummary {
    pub id: i64,
    pub name: Option<String>,
    pub plan: Plan,
    pub active: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct Usage {
    pub requests_today: i64,
    pub requests_7d: i64,
    pub requests_30d: i64,
    pub limits: RateLimits,
}

fn new_key(kind: KeyKind, label: Option<String>) -> (NewKey, KeyToStore) {
    let key = NewKey::from_random(kind, random_bytes());
    let stored = KeyToStore {
        kind: kind.as_str(),
        hash: key.hash.clone(),
        prefix: key.display_prefix.clone(),
        label,
    };
    (key, stored)
}

fn stored_plan(id: i64) -> EngineResult<Plan> {
    Plan::from_id(id).ok_or_else(|| EngineError::Internal(format!("unknown plan id {id} in storage").into()))
}

fn limit(v: Option<i64>) -> Option<u32> {
    v.and_then(|n| u32::try_from(n).ok())
}

impl Engine {
    pub async fn create_account(&self, new: NewAccount) -> EngineResult<IssuedAccount> {
        let mut errors = FieldErrors::new();
        let email = Email::parse(&new.email).map_err(|m| errors.add("email", m)).ok();
        let brand_name = new.brand_name.trim().to_owned();
        if brand_name.is_empty() {
            errors.add("brand", "Brand name is required.");
        } else if brand_name.chars().count() > 255 {
            errors.add("brand", "Brand name must be at most 255 characters.");
        }
        for (field, v) in [
            ("rpm", new.overrides.rpm),
            ("rpd", new.overrides.rpd),
            ("burst", new.overrides.burst),
        ] {
            if v == Some(0) {
                errors.add(field, "Limits must be at least 1.");
            }
        }
        errors.into_result()?;
        let email = email.expect("checked above");
        let (secret, secret_row) = new_key(KeyKind::Secret, Some("first key".to_owned()));
        let (public, public_row) = new_key(KeyKind::Public, Some("brand public key".to_owned()));
        let created = self
            .db()
            .create_account(
                &StoreNewAccount {
                    email: email.into_string(),
                    username: new.username,
                    plan: new.plan.id(),
                    rpm_override: new.overrides.rpm.map(i64::from),
                    rpd_override: new.overrides.rpd.map(i64::from),
                    burst_override: new.overrides.burst.map(i64::from),
                    brand_name,
                    keys: vec![secret_row, public_row],
                },
                self.now_ms(),
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    EngineError::Validation(FieldErrors::one("email", "An account with this e-mail already exists."))
                }
                other => other.into(),
            })?;
        Ok(IssuedAccount {
            account_id: created.account_id,
            brand_id: created.brand_id,
            secret_key: secret.plain,
            public_key: public.plain,
        })
    }

    /// Creates the default account on an empty database, so a newcomer can call the API at
    /// once. Returns it only when it was created now.
    pub async fn ensure_default_account(&self) -> EngineResult<Option<IssuedAccount>> {
        if self.db().count_accounts().await? > 0 {
            return Ok(None);
        }
        let created = self
            .create_account(NewAccount {
                email: "admin@fairdraw.local".to_owned(),
                username: Some("admin".to_owned()),
                brand_name: "Default brand".to_owned(),
                plan: Plan::Enterprise,
                overrides: LimitOverrides::default(),
            })
            .await;
        match created {
            Ok(issued) => Ok(Some(issued)),
            // Another instance starting at the same moment made it first.
            Err(EngineError::Validation(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn create_brand(&self, account_id: i64, name: &str, plan: Option<Plan>) -> EngineResult<i64> {
        let account = self.db().account(account_id).await.map_err(not_found("Account"))?;
        let plan = match plan {
            Some(p) => p,
            None => stored_plan(account.plan)?,
        };
        if name.trim().is_empty() {
            return Err(FieldErrors::one("name", "Brand name is required.").into());
        }
        Ok(self
            .db()
            .create_brand(account_id, name.trim(), plan.id(), self.now_ms())
            .await?)
    }

    pub async fn issue_key(&self, brand_id: i64, kind: KeyKind, label: Option<String>) -> EngineResult<IssuedKey> {
        let (key, row) = new_key(kind, label);
        let key_id = self
            .db()
            .create_key(brand_id, &row, None, self.now_ms())
            .await
            .map_err(not_found("Brand"))?;
        Ok(IssuedKey {
            key_id,
            brand_id,
            kind,
            key: key.plain,
        })
    }

    pub async fn list_keys(&self, brand_id: Option<i64>) -> EngineResult<Vec<KeyRow>> {
        Ok(self.db().list_keys(brand_id).await?)
    }

    pub async fn revoke_key(&self, key_id: i64) -> EngineResult<()> {
        // Before the write: a read that began earlier is never served from the copies.
        self.inner.key_owners.invalidate();
        self.db()
            .revoke_key(key_id, None, self.now_ms())
            .await
            .map_err(not_found("Key"))
    }

    /// The owner of an unrevoked key with this hash, read at most a second ago (see `cache`):
    /// every authenticated request asks, and under load the same few keys ask the same. A key
    /// revoked through this engine is forgotten at once; one revoked elsewhere (another instance,
    /// the CLI) within a second. Unknown keys are not kept, so probing fills nothing.
    pub(crate) async fn key_owner(&self, key_hash: &str) -> EngineResult<Option<Arc<KeyOwner>>> {
        let copies = &self.inner.key_owners;
        if let Some(owner) = copies.get(key_hash) {
            return Ok(Some(owner));
        }
        let (generation, read_at) = (copies.generation(), std::time::Instant::now());
        Ok(self.db().key_owner(key_hash).await?.map(|owner| {
            let owner = Arc::new(owner);
            copies.put(key_hash.to_owned(), generation, read_at, owner.clone());
            owner
        }))
    }

    /// Who a secret key belongs to. Unknown, revoked and public keys are all "invalid" to the
    /// caller, so a probe learns nothing about which keys exist.
    pub async fn authenticate_secret(&self, presented: &str) -> EngineResult<Principal> {
        if KeyKind::of(presented) != Some(KeyKind::Secret) {
            return Err(EngineError::Unauthorized("Invalid API key.".to_owned()));
        }
        let key_hash = hash_key(presented);
        let owner = self
            .key_owner(&key_hash)
            .await?
            .filter(|o| o.kind == KeyKind::Secret.as_str())
            .ok_or_else(|| EngineError::Unauthorized("Invalid API key.".to_owned()))?;
        if owner.brand_active == 0 {
            return Err(EngineError::Forbidden("This brand is not active.".to_owned()));
        }
        let plan = stored_plan(owner.brand_plan)?;
        let overrides = LimitOverrides {
            rpm: limit(owner.rpm_override),
            rpd: limit(owner.rpd_override),
            burst: limit(owner.burst_override),
        };
        Ok(Principal {
            key_id: owner.key_id,
            rate_subject: format!("key:{}", &key_hash[..24]),
            brand_id: owner.brand_id,
            account_id: owner.account_id,
            plan,
            limits: overrides.apply(plan.default_limits()),
        })
    }

    pub async fn account_details(&self, who: &Principal) -> EngineResult<AccountDetails> {
        let account = self.db().account(who.account_id).await?;
        let brand = self.db().brand(who.brand_id).await?;
        Ok(AccountDetails {
            user_id: account.id,
            email: account.email,
            username: account.username,
            plan: stored_plan(account.plan)?,
            payment_platform: account.payment_platform,
            website_id: brand.id,
            website_name: brand.name,
            total_giveaways: self.db().count_giveaways_of_account(who.account_id).await?,
            created_at_ms: account.created_at,
        })
    }

    pub async fn brands(&self, who: &Principal) -> EngineResult<Vec<BrandSummary>> {
        self.db()
            .brands_of(who.account_id)
            .await?
            .into_iter()
            .map(|b| {
                Ok(BrandSummary {
                    id: b.id,
                    name: b.name,
                    plan: stored_plan(b.plan)?,
                    active: b.active != 0,
                })
            })
            .collect()
    }

    pub async fn usage(&self, who: &Principal) -> EngineResult<Usage> {
        let totals = self.db().usage_totals(who.account_id, self.now_ms()).await?;
        Ok(Usage {
            requests_today: totals.last_24h,
            requests_7d: totals.last_7d,
            requests_30d: totals.last_30d,
            limits: who.limits,
        })
    }
}

fn not_found(what: &'static str) -> impl Fn(StoreError) -> EngineError {
    move |e| match e {
        StoreError::NotFound => EngineError::NotFound(what),
        other => other.into(),
    }
}
