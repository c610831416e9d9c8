//! Where a draw's comments come from: an uploaded file (`upload://<id>`) or a post on a
//! platform, read through a [`CommentFetcher`]. The engine defines the fetcher's shape; the
//! HTTP clients that implement it live in `connectors/`, so nothing here knows HTTP.

use fairdraw_core::comments::Comment;
use std::future::Future;
use std::pin::Pin;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Platform {
    Instagram,
    Youtube,
    Tiktok,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Instagram, Platform::Youtube, Platform::Tiktok];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Instagram => "instagram",
            Platform::Youtube => "youtube",
            Platform::Tiktok => "tiktok",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim().to_ascii_lowercase())
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Platform::Instagram => "Instagram",
            Platform::Youtube => "YouTube",
            Platform::Tiktok => "TikTok",
        }
    }
}

/// A post on a platform: its shortcode (Instagram) or video id (YouTube, TikTok).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostRef {
    pub platform: Platform,
    pub id: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Upload(String),
    Post(PostRef),
}

impl Source {
    /// Names the post independently of how its URL was spelled.
    pub fn key(&self) -> String {
        match self {
            Source::Upload(id) => format!("upload:{id}"),
            Source::Post(p) => format!("{}:{}", p.platform.as_str(), p.id),
        }
    }
}

fn id_chars(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The source a URL names, or a sentence saying what URLs are understood.
pub fn parse_source(raw: &str) -> Result<Source, String> {
    let raw = raw.trim();
    if let Some(id) = raw.strip_prefix("upload://") {
        return if id.starts_with("upload_") && id_chars(id) {
            Ok(Source::Upload(id.to_owned()))
        } else {
            Err("An upload URL is upload://<id>, as POST /v1/comments/uploads answers it.".to_owned())
        };
    }
    let unsupported = || {
        format!(
            "No connector handles {raw:?}. Use an Instagram post or reel (instagram.com/p/<code>/), a YouTube video \
             (youtube.com/watch?v=<id>, youtu.be/<id>, youtube.com/shorts/<id>), a TikTok video \
             (tiktok.com/@user/video/<id>), or upload the comments with POST /v1/comments/uploads and draw from the \
             upload:// URL it answers."
        )
    };
    let rest = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
        .ok_or_else(unsupported)?;
    let (host, path_query) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = host
        .strip_prefix("www.")
        .or_else(|| host.strip_prefix("m."))
        .unwrap_or(&host);
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let post = |platform, id: &str| {
        id_chars(id)
            .then(|| {
                Source::Post(PostRef {
                    platform,
                    id: id.to_owned(),
                })
            })
            .ok_or_else(unsupported)
    };
    match host {
        "instagram.com" => match segments.as_slice() {
            ["p" | "reel" | "reels" | "tv", code, ..] => post(Platform::Instagram, code),
            [_user, "p" | "reel", code, ..] => post(Platform::Instagram, code),
            _ => Err(unsupported()),
        },
        "youtube.com" | "music.youtube.com" => match segments.as_slice() {
            ["watch"] => {
                let v = query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("v="))
                    .ok_or_else(unsupported)?;
                post(Platform::Youtube, v)
            }
            ["shorts" | "live" | "embed", id, ..] => post(Platform::Youtube, id),
            _ => Err(unsupported()),
        },
        "youtu.be" => match segments.as_slice() {
            [id, ..] => post(Platform::Youtube, id),
            _ => Err(unsupported()),
        },
        "tiktok.com" => match segments.as_slice() {
            [user, "video", id, ..] if user.starts_with('@') && id.bytes().all(|b| b.is_ascii_digit()) => {
                post(Platform::Tiktok, id)
            }
            _ => Err(unsupported()),
        },
        _ => Err(unsupported()),
    }
}

/// A brand's access to a platform, from its connection.
#[derive(Clone)]
pub struct Credentials {
    pub access_token: String,
    /// Instagram: the business account whose media is searched.
    pub account_id: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

/// One page of a post's comments.
#[derive(Clone, Debug, Default)]
pub struct Page {
    pub comments: Vec<Comment>,
    /// The post owner's handle, once the platform has said it.
    pub owner: Option<String>,
}

/// Why a platform gave no comments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError {
    pub platform: Platform,
    /// The platform refused for a reason that will not pass by itself (an expired token, a post
    /// that does not exist): the draw fails at once rather than being retried.
    pub permanent: bool,
    /// A sentence for people: what the platform said, and what to do.
    pub message: String,
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.platform.display_name(), self.message)
    }
}

pub type PageFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<Page>, FetchError>> + Send + 'a>>;

/// A post's comments, a page at a time; `None` after the last page.
pub trait CommentPages: Send {
    fn next_page(&mut self) -> PageFuture<'_>;
}

/// Reads posts' comments from the platforms.
pub trait CommentFetcher: Send + Sync + std::fmt::Debug {
    fn pages(&self, post: &PostRef, credentials: Credentials) -> Box<dyn CommentPages>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(url: &str) -> PostRef {
        match parse_source(url) {
            Ok(Source::Post(p)) => p,
            other => panic!("{url}: {other:?}"),
        }
    }

    #[test]
    fn urls_of_each_platform() {
        assert_eq!(post("https://www.instagram.com/p/CxxxxxxxxxX/").id, "CxxxxxxxxxX");
        assert_eq!(post("https://instagram.com/reel/Abc_-1/?igsh=x").id, "Abc_-1");
        assert_eq!(
            post("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1").id,
            "dQw4w9WgXcQ"
        );
        assert_eq!(post("https://youtu.be/dQw4w9WgXcQ?si=1").platform, Platform::Youtube);
        assert_eq!(post("https://youtube.com/shorts/abc123").id, "abc123");
        let t = post("https://www.tiktok.com/@brand/video/7301234567890123456");
        assert_eq!((t.platform, t.id.as_str()), (Platform::Tiktok, "7301234567890123456"));
        assert_eq!(
            parse_source("upload://upload_01ABC"),
            Ok(Source::Upload("upload_01ABC".into()))
        );
        for bad in [
            "https://example.com/p/x",
            "ftp://instagram.com/p/x",
            "upload://../etc",
            "instagram.com/p/x",
        ] {
            assert!(parse_source(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_source("https://instagram.com/p/X/").unwrap().key(),
            parse_source("https://www.instagram.com/p/X/?utm=1").unwrap().key()
        );
    }
}
