//! The engine's errors: what went wrong in the product's terms. Each surface renders them in
//! its own envelope.

use fairdraw_core::validation::FieldErrors;
use fairdraw_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The resource does not exist, or the caller may not know that it does.
    #[error("{0} not found.")]
    NotFound(&'static str),
    /// The request is well formed but its values are not acceptable.
    #[error("Validation failed.")]
    Validation(FieldErrors),
    /// The request cannot be understood (bad JSON, wrong types, bad query values).
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the current state (a duplicate, a key still in use).
    #[error("{0}")]
    Conflict(String),
    /// An outside service the request needs is not available now (a drand relay); retry later.
    #[error("{0}")]
    Unavailable(String),
    /// Something the caller cannot fix; logged in full, reported without detail.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type EngineResult<T> = Result<T, EngineError>;

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => EngineError::NotFound("Resource"),
            StoreError::Conflict(what) => EngineError::Conflict(format!("Already exists ({what}).")),
            other => EngineError::Internal(Box::new(other)),
        }
    }
}

impl From<FieldErrors> for EngineError {
    fn from(e: FieldErrors) -> Self {
        EngineError::Validation(e)
    }
}
