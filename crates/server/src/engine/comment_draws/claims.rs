//! Winners who must claim a `/v1` comment draw's prize: not built yet on this surface (see the
//! issue 15 report); its draws own no claims, so the shared path finds nothing to do.

use crate::engine::result_claims::ClaimOwner;
use crate::engine::{Engine, EngineResult};

impl Engine {
    /// A comment draw as the owner of its claims: none until `/v1` asks for claims.
    pub(crate) async fn comment_claim_owner(&self, _id: i64) -> EngineResult<Option<ClaimOwner>> {
        Ok(None)
    }
}
