//! Plans and the request limits that come with them.

use serde::{Deserialize, Serialize};

/// A billing plan. The numeric ids are the ones the SweepWidget-style API reports
/// (`plan`: 6 or 7 = Enterprise); only the Enterprise plans include API access there, and
/// Fairdraw keeps that rule so a brand's plan decides what its keys may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Pro,
    Enterprise,
    EnterprisePlus,
}

/// Request limits for one API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimits {
    /// Requests per minute; a write (POST, PUT, PATCH, DELETE) counts as 2.
    pub rpm: u32,
    /// Requests per UTC day.
    pub rpd: u32,
    /// Requests per second.
    pub burst: u32,
}

/// Per-account overrides of the plan's limits; `None` keeps the plan's value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LimitOverrides {
    pub rpm: Option<u32>,
    pub rpd: Option<u32>,
    pub burst: Option<u32>,
}

impl Plan {
    pub const ALL: [Plan; 4] = [Plan::Free, Plan::Pro, Plan::Enterprise, Plan::EnterprisePlus];

    pub fn id(self) -> i64 {
        match self {
            Plan::Free => 1,
            Plan::Pro => 4,
            Plan::Enterprise => 6,
            Plan::EnterprisePlus => 7,
        }
    }

    pub fn from_id(id: i64) -> Option<Plan> {
        Plan::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The name used on the command line and in config files.
    pub fn slug(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Pro => "pro",
            Plan::Enterprise => "enterprise",
            Plan::EnterprisePlus => "enterprise_plus",
        }
    }

    pub fn parse(slug: &str) -> Option<Plan> {
        let slug = slug.trim().to_ascii_lowercase().replace('-', "_");
        Plan::ALL.into_iter().find(|p| p.slug() == slug)
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::Pro => "Pro",
            Plan::Enterprise => "Enterprise",
            Plan::EnterprisePlus => "Enterprise Plus",
        }
    }

    pub fn api_access(self) -> bool {
        matches!(self, Plan::Enterprise | Plan::EnterprisePlus)
    }

    pub fn default_limits(self) -> RateLimits {
        let (rpm, rpd, burst) = match self {
            Plan::Free => (30, 1_000, 5),
            Plan::Pro => (60, 10_000, 10),
            Plan::Enterprise => (120, 100_000, 20),
            Plan::EnterprisePlus => (600, 1_000_000, 50),
        };
        RateLimits { rpm, rpd, burst }
    }
}

impl LimitOverrides {
    pub fn apply(self, base: RateLimits) -> RateLimits {
        RateLimits {
            rpm: self.rpm.unwrap_or(base.rpm),
            rpd: self.rpd.unwrap_or(base.rpd),
            burst: self.burst.unwrap_or(base.burst),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_slugs_round_trip() {
        for p in Plan::ALL {
            assert_eq!(Plan::from_id(p.id()), Some(p));
            assert_eq!(Plan::parse(p.slug()), Some(p));
        }
        assert_eq!(Plan::parse("Enterprise-Plus"), Some(Plan::EnterprisePlus));
        assert_eq!(Plan::parse("gold"), None);
        assert_eq!(Plan::from_id(2), None);
    }

    #[test]
    fn only_enterprise_plans_have_api_access() {
        assert!(!Plan::Free.api_access());
        assert!(!Plan::Pro.api_access());
        assert!(Plan::Enterprise.api_access());
        assert!(Plan::EnterprisePlus.api_access());
    }

    #[test]
    fn overrides_replace_only_what_they_name() {
        let base = Plan::Enterprise.default_limits();
        let l = LimitOverrides {
            rpm: Some(5),
            ..Default::default()
        }
        .apply(base);
        assert_eq!(
            l,
            RateLimits {
                rpm: 5,
                rpd: 100_000,
                burst: 20
            }
        );
    }
}
