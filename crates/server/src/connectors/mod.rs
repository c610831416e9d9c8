//! Real clients of the platforms' comment APIs, behind the engine's `CommentFetcher`: each
//! follows every page, retries 429 and 5xx answers (honouring `Retry-After`), and explains a
//! refusal in words. Base URLs come from the configuration, so tests point them at local
//! stand-ins that speak each platform's documented JSON.

pub mod http;
mod instagram;
mod tiktok;
mod youtube;

use crate::config::V1Config;
use crate::engine::comment_draws::{CommentFetcher, CommentPages, Credentials, Platform, PostRef};

#[derive(Debug)]
pub struct Connectors {
    http: http::Http,
    instagram: String,
    youtube: String,
    tiktok: String,
}

impl Connectors {
    pub fn new(config: &V1Config) -> Result<Connectors, String> {
        Ok(Connectors {
            http: http::Http::new()?,
            instagram: config.instagram_graph_url.clone(),
            youtube: config.youtube_api_url.clone(),
            tiktok: config.tiktok_api_url.clone(),
        })
    }
}

impl CommentFetcher for Connectors {
    fn pages(&self, post: &PostRef, credentials: Credentials) -> Box<dyn CommentPages> {
        let http = self.http.clone();
        match post.platform {
            Platform::Instagram => Box::new(instagram::InstagramPages::new(http, &self.instagram, post, credentials)),
            Platform::Youtube => Box::new(youtube::YoutubePages::new(http, &self.youtube, post, credentials)),
            Platform::Tiktok => Box::new(tiktok::TiktokPages::new(http, &self.tiktok, post, credentials)),
        }
    }
}

/// What comment draws need from this instance: links, the uploads folder, waiting, prices and
/// these connectors.
pub fn draw_env(state: &crate::app::AppState) -> crate::engine::comment_draws::DrawEnv<'_> {
    let v1 = &state.config.v1;
    crate::engine::comment_draws::DrawEnv {
        public_url: &state.config.public_url,
        uploads_dir: crate::engine::comment_draws::uploads_dir(&state.config.data_dir),
        sync_wait: std::time::Duration::from_millis(v1.sync_wait_ms),
        prices: crate::engine::comment_draws::Prices {
            standard_cents: v1.price_standard_cents,
            premium_cents: v1.price_premium_cents,
        },
        fetcher: state.connectors.as_ref(),
    }
}
