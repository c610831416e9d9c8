//! The connection: backend choice from the URL, pools, migrations.

use crate::error::{StoreError, StoreResult};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::str::FromStr;
use std::sync::Once;
use std::time::Duration;

static MIGRATIONS_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static MIGRATIONS_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> StoreResult<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Config(
                "database URL must start with sqlite: or postgres://".to_owned(),
            ))
        }
    }

    /// The backend a connection of the `Any` driver talks to.
    pub(crate) fn of(conn: &sqlx::AnyConnection) -> Backend {
        if conn.backend_name().eq_ignore_ascii_case("sqlite") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Pools for one database.
///
/// SQLite allows one writer at a time; letting several pooled connections race for the write
/// lock ends in `SQLITE_BUSY` when a read transaction upgrades. So on SQLite all writes go
/// through a single-connection pool (they queue in the process instead of failing) and reads
/// use the rest, which WAL lets run beside the writer. On PostgreSQL both are the same pool.
#[derive(Clone)]
pub struct Db {
    backend: Backend,
    writer: AnyPool,
    reader: AnyPool,
    /// How to open more connections (see [`Db::with_own_writer`]).
    options: AnyConnectOptions,
}

// The connect options hold the database password: they are left out.
impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .field("writer", &self.writer)
            .field("reader", &self.reader)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug)]
pub struct PoolSizes {
    pub max_connections: u32,
}

impl Default for PoolSizes {
    fn default() -> Self {
        PoolSizes { max_connections: 16 }
    }
}

impl Db {
    pub async fn connect(url: &str) -> StoreResult<Db> {
        Self::connect_with(url, PoolSizes::default()).await
    }

    pub async fn connect_with(url: &str, sizes: PoolSizes) -> StoreResult<Db> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::from_url(url)?;
        // Create the SQLite file on first start unless the URL says otherwise.
        let url = if backend == Backend::Sqlite && !url.contains("mode=") {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        } else {
            url.to_owned()
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Config(format!("invalid database URL: {e}")))?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        match backend {
            Backend::Sqlite => {
                let writer = sqlite_pool(1, SQLITE_WRITER_SETUP)
                    .connect_with(options.clone())
                    .await?;
                // WAL is a property of the database file: set it once, on the writer.
                writer.execute("PRAGMA journal_mode = WAL").await?;
                let reader = sqlite_pool(sizes.max_connections.max(2), SQLITE_SETUP)
                    .connect_with(options.clone())
                    .await?;
                Ok(Db {
                    backend,
                    writer,
                    reader,
                    options,
                })
            }
            Backend::Postgres => {
                let pool = postgres_pool(sizes.max_connections)
                    .connect_with(options.clone())
                    .await?;
                Ok(Db {
                    backend,
                    writer: pool.clone(),
                    reader: pool,
                    options,
                })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// This database with writes through `connections` connections of its own, opened on the
    /// calling task's runtime. A task that writes on a runtime of its own (the entry writer)
    /// uses it so that the answers to its statements wake it on that runtime, not behind the
    /// tasks of the runtime that opened the shared pool. On SQLite every write must go through
    /// the one writer connection, so this is the same database.
    pub async fn with_own_writer(&self, connections: u32) -> StoreResult<Db> {
        match self.backend {
            Backend::Sqlite => Ok(self.clone()),
            Backend::Postgres => {
                // No ping before each borrow (one round trip more per batch): on a broken
                // connection the batch's first statement fails, nothing is acknowledged, and
                // the writer retries each recording on its own.
                let writer = postgres_pool(connections)
                    .test_before_acquire(false)
                    .connect_with(self.options.clone())
                    .await?;
                Ok(Db { writer, ..self.clone() })
            }
        }
    }

    /// The pool for statements that write (and for reads that must see the latest write in the
    /// same step).
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// A write transaction. On SQLite it takes the write lock at `BEGIN IMMEDIATE` (waiting up
    /// to the busy timeout for another process that holds it): a deferred transaction that reads
    /// first would fail at once with "database is locked" when another instance on the same file
    /// wrote in between, since SQLite cannot upgrade a stale read snapshot.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    /// The pool for reads.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &MIGRATIONS_SQLITE,
            Backend::Postgres => &MIGRATIONS_POSTGRES,
        };
        migrator.run(&self.writer).await?;
        Ok(())
    }

    /// On SQLite, copies committed pages from the write-ahead log back into the database file
    /// on a reader connection, so that the entry writer's commits only append to the log. It is
    /// PASSIVE: it never waits for or holds up the writer or the readers, and copies what it can.
    /// Nothing to do on PostgreSQL, whose server checkpoints by itself.
    pub async fn checkpoint(&self) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&self.reader)
                .await?;
        }
        Ok(())
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

fn postgres_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10))
}

/// Statements every SQLite connection starts with.
const SQLITE_SETUP: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
/// And the writer: it copies the write-ahead log back into the database itself only when the
/// log has grown far (`wal_autocheckpoint`, in pages); [`Db::checkpoint`] does it beside it.
const SQLITE_WRITER_SETUP: &str =
    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA wal_autocheckpoint = 16384;";

fn sqlite_pool(max: u32, setup: &'static str) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        // A connection to a file cannot go stale: no ping (a trip to SQLite's thread) before
        // each borrow.
        .test_before_acquire(false)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                conn.execute(setup).await?;
                Ok(())
            })
        })
}

/// Milliseconds since the Unix epoch, now.
pub fn now_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
