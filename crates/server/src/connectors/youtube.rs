//! YouTube Data API v3: `commentThreads?part=snippet,replies` for the video, following
//! `nextPageToken`, and `comments?part=snippet&parentId=` for a thread whose
//! `totalReplyCount` is more than the replies it carries. The owner is the video's channel:
//! the thread's `snippet.channelId`, matched against each comment's `authorChannelId.value`.

use super::http::{Http, Refusal, with_query};
use crate::engine::comment_draws::{CommentPages, Credentials, FetchError, Page, PageFuture, Platform, PostRef};
use fairdraw_core::comments::{Comment, parse_instant};
use serde_json::Value;
use std::collections::VecDeque;

const PLATFORM: Platform = Platform::Youtube;

pub struct YoutubePages {
    http: Http,
    base: String,
    video: String,
    key: String,
    /// `None` before the first page; `Some(None)` after the last.
    threads_token: Option<Option<String>>,
    /// Threads whose replies need their own listing: (thread id, channel id).
    pending_replies: VecDeque<(String, String)>,
    owner: Option<String>,
}

impl YoutubePages {
    pub fn new(http: Http, base: &str, post: &PostRef, creds: Credentials) -> YoutubePages {
        YoutubePages {
            http,
            base: base.to_owned(),
            video: post.id.clone(),
            key: creds.access_token,
            threads_token: None,
            pending_replies: VecDeque::new(),
            owner: None,
        }
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, FetchError> {
        let url = format!("{}/{path}", self.base);
        let mut pairs = query.to_vec();
        pairs.push(("key", &self.key));
        let url = with_query(&url, &pairs);
        match self.http.json(PLATFORM, |c| c.get(&url)).await? {
            Ok(v) => Ok(v),
            Err(r) => Err(explain(&r)),
        }
    }

    fn comment(&mut self, item: &Value, channel: &str, parent: Option<String>) -> Comment {
        let s = &item["snippet"];
        let name = s["authorDisplayName"].as_str().unwrap_or_default();
        let by_owner = !channel.is_empty() && s["authorChannelId"]["value"].as_str() == Some(channel);
        if by_owner {
            self.owner = Some(name.trim_start_matches('@').to_owned());
        }
        Comment {
            id: item["id"].as_str().map(str::to_owned),
            username: name.trim_start_matches('@').to_owned(),
            text: s["textOriginal"]
                .as_str()
                .or_else(|| s["textDisplay"].as_str())
                .unwrap_or_default()
                .to_owned(),
            timestamp: s["publishedAt"].as_str().and_then(parse_instant),
            parent_id: parent,
            by_owner,
        }
    }

    async fn step(&mut self) -> Result<Option<Page>, FetchError> {
        // Reply listings of the threads seen so far go first, a whole thread per page.
        if let Some((thread, channel)) = self.pending_replies.pop_front() {
            let mut comments = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let mut q = vec![
                    ("part", "snippet"),
                    ("parentId", thread.as_str()),
                    ("maxResults", "100"),
                    ("textFormat", "plainText"),
                ];
                if let Some(t) = &token {
                    q.push(("pageToken", t.as_str()));
                }
                let v = self.get("comments", &q).await?;
                for item in v["items"].as_array().into_iter().flatten() {
                    let c = self.comment(item, &channel, Some(thread.clone()));
                    comments.push(c);
                }
                match v["nextPageToken"].as_str() {
                    Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                    _ => break,
                }
            }
            return Ok(Some(Page {
                comments,
                owner: self.owner.clone(),
            }));
        }
        let token = match &self.threads_token {
            Some(None) => return Ok(None),
            Some(Some(t)) => Some(t.clone()),
            None => None,
        };
        let mut q = vec![
            ("part", "snippet,replies"),
            ("videoId", self.video.as_str()),
            ("maxResults", "100"),
            ("textFormat", "plainText"),
        ];
        if let Some(t) = &token {
            q.push(("pageToken", t.as_str()));
        }
        let v = self.get("commentThreads", &q).await?;
        let mut comments = Vec::new();
        for thread in v["items"].as_array().into_iter().flatten() {
            let s = &thread["snippet"];
            let channel = s["channelId"].as_str().unwrap_or_default().to_owned();
            let top = self.comment(&s["topLevelComment"], &channel, None);
            let thread_id = thread["id"].as_str().unwrap_or_default().to_owned();
            comments.push(top);
            let carried = thread["replies"]["comments"].as_array().map_or(0, Vec::len);
            let total = s["totalReplyCount"].as_u64().unwrap_or(0) as usize;
            if total > carried && !thread_id.is_empty() {
                // The thread carries only some replies: read them all from `comments`.
                self.pending_replies.push_back((thread_id, channel));
            } else {
                for r in thread["replies"]["comments"].as_array().into_iter().flatten() {
                    let c = self.comment(r, &channel, Some(thread_id.clone()));
                    comments.push(c);
                }
            }
        }
        self.threads_token = Some(v["nextPageToken"].as_str().filter(|t| !t.is_empty()).map(str::to_owned));
        Ok(Some(Page {
            comments,
            owner: self.owner.clone(),
        }))
    }
}

fn explain(r: &Refusal) -> FetchError {
    let e = &r.body["error"];
    let said = e["message"].as_str().unwrap_or("no message");
    let mut reason = e["errors"][0]["reason"].as_str().unwrap_or_default();
    // Key problems are named in `details` (google.rpc.ErrorInfo), with a generic `badRequest`.
    if let Some(r) = e["details"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|d| d["reason"].as_str().filter(|r| r.starts_with("API_KEY_")))
    {
        reason = r;
    }
    let message = match reason {
        "keyInvalid" | "keyExpired" | "API_KEY_INVALID" | "API_KEY_EXPIRED" => {
            format!("the API key is not valid or has expired ({reason}: {said}); reconnect with POST /v1/connections")
        }
        "commentsDisabled" => "comments are disabled on this video".to_owned(),
        "videoNotFound" => "the video does not exist or is private".to_owned(),
        "quotaExceeded" => format!("the API key's daily quota is used up ({said})"),
        _ => format!("HTTP {} {reason}: {said}", r.status),
    };
    FetchError {
        platform: PLATFORM,
        permanent: true,
        message,
    }
}

impl CommentPages for YoutubePages {
    fn next_page(&mut self) -> PageFuture<'_> {
        Box::pin(self.step())
    }
}
