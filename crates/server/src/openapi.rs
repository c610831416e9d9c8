//! The OpenAPI document. Paths come from the `#[utoipa::path]` annotations on the handlers as
//! they are routed (see each surface's `router`), so the document cannot drift from the code.

use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;
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

/// Declares the closed sets of the request bodies whose types the engine owns (their fields are
/// plain strings and numbers there), from the same lists as [`crate::surfaces::enums`]. Call it
/// on a surface's router once its routes are in; a schema or field not in the router is left
/// alone (`tests/contract/openapi_enums.rs` notices one renamed away).
pub fn engine_enums<S: Clone + Send + Sync + 'static>(mut router: OpenApiRouter<S>) -> OpenApiRouter<S> {
    use crate::surfaces::enums::{BeaconName, DrawTier, EventName, PlatformName, RewardType, V1EventName};
    let strings = |v: Vec<String>| v.into_iter().map(Value::from).collect::<Vec<_>>();
    let fields = [
        ("WebhookInput", "events", strings(EventName::values())),
        ("V1WebhookInput", "events", strings(V1EventName::values())),
        ("ConnectionInput", "platform", strings(PlatformName::values())),
        ("CreateDrawInput", "tier", strings(DrawTier::values())),
        ("CreateDrawInput", "beacon", strings(BeaconName::values())),
        (
            "RewardInput",
            "type",
            RewardType::values().into_iter().map(Value::from).collect(),
        ),
    ];
    if let Some(components) = router.get_openapi_mut().components.as_mut() {
        for (schema, field, values) in fields {
            if let Some(s) = components.schemas.get_mut(schema) {
                set_enum(s, field, values);
            }
        }
    }
    router
}

/// Restricts `field` of `schema` (or the items of an array field) to `values`, and `null` when
/// its type allows null.
fn set_enum(schema: &mut RefOr<Schema>, field: &str, mut values: Vec<Value>) {
    let Ok(mut doc) = serde_json::to_value(&*schema) else {
        return;
    };
    let Some(prop) = doc.get_mut("properties").and_then(|p| p.get_mut(field)) else {
        return;
    };
    let target = match prop.get("items") {
        Some(_) => &mut prop["items"],
        None => prop,
    };
    let nullable = target["type"]
        .as_array()
        .is_some_and(|t| t.contains(&Value::from("null")));
    if nullable {
        values.push(Value::Null);
    }
    target["enum"] = Value::Array(values);
    if let Ok(patched) = serde_json::from_value(doc) {
        *schema = patched;
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
