//! Storage errors, mapped once from the driver's.

/// What can go wrong in storage, in terms the engine can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; carries the constraint or column when known.
    #[error("conflict on {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("redis error: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("{0}")]
    Config(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// A failure that says nothing about the write itself, only about its timing: PostgreSQL
    /// chose this transaction as a deadlock's victim (40P01) or could not serialise it (40001).
    /// The transaction was rolled back whole; running it again is the remedy.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => {
                matches!(db.code().as_deref(), Some("40P01" | "40001"))
            }
            _ => false,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.constraint().unwrap_or_else(|| db.message()).to_owned())
            }
            _ => StoreError::Database(e),
        }
    }
}
