//! Throwaway PostgreSQL databases for tests: each test gets a database of its own on the server
//! named by `FAIRDRAW_TEST_POSTGRES_URL`, dropped when the test ends (also when it panics).
#![forbid(unsafe_code)]

pub mod browser;
pub mod drand;
pub mod geoip;
pub mod smtp;

use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};

pub const POSTGRES_ENV: &str = "FAIRDRAW_TEST_POSTGRES_URL";
pub const REDIS_ENV: &str = "FAIRDRAW_TEST_REDIS_URL";

/// The environment variable's value, when set and not empty.
pub fn env_url(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A fresh name: `prefix` plus random hex.
pub fn unique(prefix: &str) -> String {
    let mut rnd = [0u8; 8];
    getrandom::fill(&mut rnd).expect("the OS random number generator failed");
    format!("{prefix}{}", hex::encode(rnd))
}

pub struct PostgresDatabase {
    admin_url: String,
    name: String,
    pub url: String,
    dropped: bool,
}

impl PostgresDatabase {
    /// Creates a database on the server of `admin_url`.
    pub async fn create(admin_url: &str) -> PostgresDatabase {
        let name = unique("fairdraw_test_");
        let mut conn = PgConnection::connect(admin_url).await.expect("connect to PostgreSQL");
        conn.execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("create test database");
        let url = with_database(admin_url, &name);
        PostgresDatabase {
            admin_url: admin_url.to_owned(),
            name,
            url,
            dropped: false,
        }
    }

    pub async fn drop_now(mut self) {
        drop_database(&self.admin_url, &self.name).await;
        self.dropped = true;
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let (admin, name) = (self.admin_url.clone(), self.name.clone());
        // Drop may run inside a runtime; a thread of its own can block on a new one.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(drop_database(&admin, &name));
        })
        .join();
    }
}

async fn drop_database(admin_url: &str, name: &str) {
    if let Ok(mut conn) = PgConnection::connect(admin_url).await {
        let _ = conn
            .execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
            .await;
    }
}

/// The same connection URL with another database name.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
