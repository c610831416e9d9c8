//! The OpenAPI document. Paths come from the `#[utoipa::path]` annotations on the handlers as
//! they are routed (see each surface's `router`), so the document cannot drift from the code.

use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

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

/// How a surface's keyed routes authenticate, as the document declares it.
#[derive(Clone, Copy, Debug)]
pub enum Auth {
    /// `/v2`: the secret key as a Bearer token, an `X-API-Key` header or an `api_key` query
    /// parameter (any one).
    V2,
    /// `/v1`: the secret key as a Bearer token.
    V1,
    /// `/external`: the public key in `x-api-key` and a secret key as a Bearer token (both).
    External,
}

/// Declares `auth` on every operation of `router` (call it where the surface applies its
/// authentication layer, so the document says exactly what the router asks for).
pub fn secured<S: Clone + Send + Sync + 'static>(mut router: OpenApiRouter<S>, auth: Auth) -> OpenApiRouter<S> {
    let requirements = match auth {
        Auth::V2 => vec![
            SecurityRequirement::new("bearer", Vec::<String>::new()),
            SecurityRequirement::new("api_key_header", Vec::<String>::new()),
            SecurityRequirement::new("api_key_query", Vec::<String>::new()),
        ],
        Auth::V1 => vec![SecurityRequirement::new("bearer", Vec::<String>::new())],
        Auth::External => {
            vec![SecurityRequirement::new("bearer", Vec::<String>::new()).add("api_key_header", Vec::<String>::new())]
        }
    };
    for item in router.get_openapi_mut().paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            op.security = Some(requirements.clone());
        }
    }
    router
}
