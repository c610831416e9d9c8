//! The OpenAPI document. Paths come from the `#[utoipa::path]` annotations on the handlers as
//! they are routed (see each surface's `router`), so the document cannot drift from the code.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Fairdraw",
        description = "Self-hosted giveaways with verifiable draws. The management API on /v2 follows \
                       the SweepWidget API v2 conventions."
    ),
    modifiers(&Security),
    tags(
        (name = "Account", description = "Your account, brands and API usage."),
        (name = "Webhooks", description = "Signed event deliveries to your endpoints, with retries and a delivery log."),
        (name = "Audit log", description = "Every administrative change of your brand, hash-chained so that an entry \
            edited or removed afterwards shows."),
        (name = "Gallery", description = "Photo contests: moderate the photos uploaded with the \"Upload a Photo\" \
            entry method; only approved ones are shown and can be voted for."),
        // Winners who must claim.
        (name = "Claims", description = "A winner's claim through the signed link of their winner e-mail, without an API key.")
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "api_key_header",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
        components.add_security_scheme(
            "api_key_query",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::new("api_key"))),
        );
    }
}
