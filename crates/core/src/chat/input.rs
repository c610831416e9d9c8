//! A chat giveaway's create and patch input, from JSON or a multipart form, validated into a
//! [`ChatGiveawaySpec`]. Every problem is collected as one message naming its field, in the
//! style of the reference (NestJS `class-validator`), and nothing is created when there is one.

use super::ids;
use jiff::Timestamp;
use serde_json::Value;

/// The longest of the reference's named strings, in characters.
pub const MAX_STRING: usize = 255;
/// `templateData` and `data` are passed through; they only have a sanity limit.
pub const MAX_PASSTHROUGH: usize = 65_535;
/// The largest banner upload.
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;
/// The most winners (and as many alternates) a giveaway draws.
pub const MAX_WINNERS: u32 = 10_000;

/// One field as it arrived.
#[derive(Clone, Debug)]
pub enum Raw {
    /// A value of a JSON body.
    Json(Value),
    /// A text field of a form.
    Text(String),
    /// A file of a form.
    File(Vec<u8>),
}

/// A validated banner upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub ext: &'static str,
    pub content_type: &'static str,
    pub width: usize,
    pub height: usize,
    pub bytes: Vec<u8>,
}

/// A chat giveaway's settings as stored. Times are Unix ms.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChatGiveawaySpec {
    pub title: String,
    pub text: Option<String>,
    pub button_text: Option<String>,
    pub template: Option<i64>,
    /// An https URL: the partner's, or this server's `/media/…` for an upload.
    pub pic: Option<String>,
    pub template_data: Option<String>,
    pub start_at: i64,
    pub end_at: i64,
    pub max_winners: u32,
    pub min_participants: Option<u32>,
    pub max_participants: Option<u32>,
    pub min_account_age_hours: Option<u32>,
    pub min_messages: Option<u32>,
    pub badge_ids: Vec<i64>,
    pub enable_translation: bool,
    pub enable_winners_announcement: bool,
    pub reward_name: Option<String>,
    pub reward_description: Option<String>,
    pub gift_id: Option<String>,
    pub winner_list_url: Option<String>,
    pub room_ids: Vec<String>,
    pub user_ids: Vec<String>,
    pub data: Option<String>,
    /// Hours each winner has to claim (issue 15); `None`: winners need not claim. The partner's
    /// platform confirms a claim; an unclaimed win goes to the next alternate.
    #[serde(default)]
    pub claim_deadline_hours: Option<u32>,
}

/// The fields present in one request, each parsed on its own.
#[derive(Clone, Debug, Default)]
struct Partial {
    title: Option<String>,
    text: Option<String>,
    button_text: Option<String>,
    template: Option<i64>,
    pic: Option<String>,
    image: Option<Image>,
    template_data: Option<String>,
    start_at: Option<i64>,
    end_at: Option<i64>,
    max_winners: Option<u32>,
    min_participants: Option<u32>,
    max_participants: Option<u32>,
    min_account_age_hours: Option<u32>,
    min_messages: Option<u32>,
    badge_ids: Option<Vec<i64>>,
    enable_translation: Option<bool>,
    enable_winners_announcement: Option<bool>,
    reward_name: Option<String>,
    reward_description: Option<String>,
    gift_id: Option<String>,
    winner_list_url: Option<String>,
    room_ids: Option<Vec<String>>,
    user_ids: Option<Vec<String>>,
    data: Option<String>,
    claim_deadline_hours: Option<u32>,
    /// The names of the fields given, in order.
    given: Vec<String>,
}

/// What a validated request produced: the spec, and the upload to store (whose URL the caller
/// puts in `spec.pic`).
#[derive(Clone, Debug)]
pub struct Validated {
    pub spec: ChatGiveawaySpec,
    pub image: Option<Image>,
}

/// Messages, one per problem.
pub type Problems = Vec<String>;

/// Validates a create request. `now` decides whether `startTime` lies in the past.
pub fn validate_create(fields: Vec<(String, Raw)>, now: i64) -> Result<Validated, Problems> {
    let mut problems = Problems::new();
    let p = parse(fields, &mut problems);
    if p.title.is_none() {
        problems.push("title should not be empty".to_owned());
    }
    if p.end_at.is_none() && !problems.iter().any(|m| m.starts_with("endTime")) {
        problems.push("endTime should not be empty".to_owned());
    }
    let spec = ChatGiveawaySpec {
        title: p.title.unwrap_or_default(),
        text: p.text,
        button_text: p.button_text,
        template: p.template,
        pic: p.pic,
        template_data: p.template_data,
        start_at: p.start_at.unwrap_or(now),
        end_at: p.end_at.unwrap_or(i64::MAX),
        max_winners: p.max_winners.unwrap_or(1),
        min_participants: p.min_participants,
        max_participants: p.max_participants,
        min_account_age_hours: p.min_account_age_hours,
        min_messages: p.min_messages,
        badge_ids: p.badge_ids.unwrap_or_default(),
        enable_translation: p.enable_translation.unwrap_or(false),
        enable_winners_announcement: p.enable_winners_announcement.unwrap_or(false),
        reward_name: p.reward_name,
        reward_description: p.reward_description,
        gift_id: p.gift_id,
        winner_list_url: p.winner_list_url,
        room_ids: p.room_ids.unwrap_or_default(),
        user_ids: p.user_ids.unwrap_or_default(),
        data: p.data,
        claim_deadline_hours: p.claim_deadline_hours,
    };
    cross_check(&spec, p.start_at.is_some(), now, &mut problems);
    if problems.is_empty() {
        Ok(Validated { spec, image: p.image })
    } else {
        Err(problems)
    }
}

/// Validates a patch of `current`. While the giveaway is scheduled (`scheduled`) any create
/// field may change, with the same rules; after that only `endTime`, and only later.
pub fn validate_patch(
    current: &ChatGiveawaySpec,
    scheduled: bool,
    fields: Vec<(String, Raw)>,
    now: i64,
) -> Result<Validated, Problems> {
    let mut problems = Problems::new();
    let p = parse(fields, &mut problems);
    if !scheduled {
        for f in p.given.iter().filter(|f| f.as_str() != "endTime") {
            problems.push(format!(
                "{f} cannot be changed once the giveaway has started; only endTime may move later"
            ));
        }
        if let Some(end) = p.end_at
            && end <= current.end_at
        {
            problems.push("endTime must be after the current endTime once the giveaway has started".to_owned());
        }
    }
    let mut spec = current.clone();
    macro_rules! take {
        ($($f:ident),*) => { $( if p.$f.is_some() { spec.$f = p.$f; } )* };
    }
    take!(
        text,
        button_text,
        template,
        pic,
        template_data,
        min_participants,
        max_participants
    );
    take!(
        min_account_age_hours,
        min_messages,
        reward_name,
        reward_description,
        gift_id,
        winner_list_url,
        data,
        claim_deadline_hours
    );
    if p.image.is_some() {
        spec.pic = None;
    }
    if let Some(v) = p.title {
        spec.title = v;
    }
    if let Some(v) = p.start_at {
        spec.start_at = v;
    }
    if let Some(v) = p.end_at {
        spec.end_at = v;
    }
    if let Some(v) = p.max_winners {
        spec.max_winners = v;
    }
    if let Some(v) = p.badge_ids {
        spec.badge_ids = v;
    }
    if let Some(v) = p.enable_translation {
        spec.enable_translation = v;
    }
    if let Some(v) = p.enable_winners_announcement {
        spec.enable_winners_announcement = v;
    }
    if let Some(v) = p.room_ids {
        spec.room_ids = v;
    }
    if let Some(v) = p.user_ids {
        spec.user_ids = v;
    }
    if scheduled {
        cross_check(&spec, true, now, &mut problems);
    } else if p.end_at.is_some() && spec.end_at <= now {
        problems.push("endTime must be in the future".to_owned());
    }
    if problems.is_empty() {
        Ok(Validated { spec, image: p.image })
    } else {
        Err(problems)
    }
}

/// The rules between fields.
fn cross_check(s: &ChatGiveawaySpec, start_given: bool, now: i64, problems: &mut Problems) {
    if s.end_at != i64::MAX {
        if start_given && s.end_at <= s.start_at {
            problems.push("endTime must be after startTime".to_owned());
        }
        if s.end_at <= now {
            problems.push("endTime must be in the future".to_owned());
        }
    }
    if let Some(max) = s.max_participants {
        if s.max_winners >= max {
            problems.push("maxWinners must be less than maxParticipants".to_owned());
        }
        if s.min_participants.is_some_and(|min| min > max) {
            problems.push("minParticipants must not be greater than maxParticipants".to_owned());
        }
    }
    if s.room_ids.is_empty() && s.user_ids.is_empty() {
        problems.push("roomIds or userIds must be provided (at least one of them, not empty)".to_owned());
    }
}

fn parse(fields: Vec<(String, Raw)>, problems: &mut Problems) -> Partial {
    let mut p = Partial::default();
    for (name, raw) in fields {
        // A JSON null is the field left out.
        if matches!(raw, Raw::Json(Value::Null)) {
            continue;
        }
        let result: Result<(), String> = match name.as_str() {
            "title" => string(&name, &raw, MAX_STRING).map(|v| p.title = Some(v)),
            "text" => string(&name, &raw, MAX_STRING).map(|v| p.text = Some(v)),
            "buttonText" => string(&name, &raw, MAX_STRING).map(|v| p.button_text = Some(v)),
            "rewardName" => string(&name, &raw, MAX_STRING).map(|v| p.reward_name = Some(v)),
            "rewardDescription" => string(&name, &raw, MAX_STRING).map(|v| p.reward_description = Some(v)),
            "giftId" => string(&name, &raw, MAX_STRING).map(|v| p.gift_id = Some(v)),
            "templateData" => string(&name, &raw, MAX_PASSTHROUGH).map(|v| p.template_data = Some(v)),
            "data" => string(&name, &raw, MAX_PASSTHROUGH).map(|v| p.data = Some(v)),
            "winnerListUrl" => string(&name, &raw, MAX_STRING).and_then(|v| {
                url_ok(&name, &v, true)?;
                p.winner_list_url = Some(v);
                Ok(())
            }),
            "template" => integer(&name, &raw, i64::MIN, i64::MAX).map(|v| p.template = Some(v)),
            "maxWinners" => count(&name, &raw, 1, MAX_WINNERS).map(|v| p.max_winners = Some(v)),
            "minParticipants" => count(&name, &raw, 0, u32::MAX).map(|v| p.min_participants = Some(v)),
            "maxParticipants" => count(&name, &raw, 1, u32::MAX).map(|v| p.max_participants = Some(v)),
            "minAccountAgeHours" => count(&name, &raw, 0, u32::MAX).map(|v| p.min_account_age_hours = Some(v)),
            "minMessages" => count(&name, &raw, 0, u32::MAX).map(|v| p.min_messages = Some(v)),
            "claimDeadlineHours" => count(&name, &raw, 1, crate::claims::MAX_DEADLINE_HOURS as u32)
                .map(|v| p.claim_deadline_hours = Some(v)),
            "enableTranslation" => boolean(&name, &raw).map(|v| p.enable_translation = Some(v)),
            "enableWinnersAnnouncement" => boolean(&name, &raw).map(|v| p.enable_winners_announcement = Some(v)),
            "startTime" => time(&name, &raw).map(|v| p.start_at = Some(v)),
            "endTime" => time(&name, &raw).map(|v| p.end_at = Some(v)),
            "badgeIds" => badge_ids(&name, &raw).map(|v| p.badge_ids = Some(v)),
            "roomIds" => id_list(&name, &raw).map(|v| merge(&mut p.room_ids, v)),
            "userIds" => id_list(&name, &raw).map(|v| merge(&mut p.user_ids, v)),
            "pic" => match raw {
                Raw::File(bytes) => check_image(&name, bytes).map(|img| p.image = Some(img)),
                other => string(&name, &other, 2048).and_then(|v| {
                    url_ok(&name, &v, false)?;
                    p.pic = Some(v);
                    Ok(())
                }),
            },
            // Unknown fields are ignored, as the reference's partners send extra ones.
            _ => continue,
        };
        if !p.given.contains(&name) {
            p.given.push(name.clone());
        }
        if let Err(m) = result {
            problems.push(m);
        }
    }
    p
}

/// Several parts of one list field (a form repeating `roomIds`) add up.
fn merge(into: &mut Option<Vec<String>>, more: Vec<String>) {
    match into {
        Some(list) => {
            for id in more {
                if !list.contains(&id) {
                    list.push(id);
                }
            }
        }
        None => *into = Some(more),
    }
}

fn text_of<'a>(name: &str, raw: &'a Raw, what: &str) -> Result<std::borrow::Cow<'a, str>, String> {
    match raw {
        Raw::Json(Value::String(s)) | Raw::Text(s) => Ok(std::borrow::Cow::Borrowed(s)),
        Raw::Json(Value::Number(n)) if what != "string" => Ok(std::borrow::Cow::Owned(n.to_string())),
        Raw::Json(Value::Bool(b)) if what == "boolean" => Ok(std::borrow::Cow::Owned(b.to_string())),
        Raw::File(_) => Err(format!("{name} must be a {what}, not a file")),
        _ => Err(format!("{name} must be a {what}")),
    }
}

fn string(name: &str, raw: &Raw, max: usize) -> Result<String, String> {
    let s = text_of(name, raw, "string")?;
    if s.chars().count() > max {
        return Err(format!("{name} must be shorter than or equal to {max} characters"));
    }
    Ok(s.into_owned())
}

fn url_ok(name: &str, v: &str, allow_http: bool) -> Result<(), String> {
    let https = crate::validation::is_https_url(v);
    // The winner-list URL also passes the outbound guard, which decides about plain http.
    let http = allow_http && v.starts_with("http://") && v.len() > 7 && !v.contains(char::is_whitespace);
    if https || http {
        Ok(())
    } else {
        Err(format!("{name} must be an https URL"))
    }
}

fn integer(name: &str, raw: &Raw, min: i64, max: i64) -> Result<i64, String> {
    let s = text_of(name, raw, "integer number")?;
    let n: i64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{name} must be an integer number"))?;
    if n < min {
        return Err(format!("{name} must not be less than {min}"));
    }
    if n > max {
        return Err(format!("{name} must not be greater than {max}"));
    }
    Ok(n)
}

fn count(name: &str, raw: &Raw, min: u32, max: u32) -> Result<u32, String> {
    integer(name, raw, i64::from(min), i64::from(max)).map(|n| n as u32)
}

/// `true`/`false` or `1`/`0`, as JSON or text.
pub fn boolean(name: &str, raw: &Raw) -> Result<bool, String> {
    let s = text_of(name, raw, "boolean")?;
    match s.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("{name} must be a boolean value (true, false, 1 or 0)")),
    }
}

/// An ISO 8601 instant with a UTC offset (`Z` or `±hh:mm`), as Unix ms.
pub fn parse_instant(s: &str) -> Option<i64> {
    s.trim().parse::<Timestamp>().ok().map(|t| t.as_millisecond())
}

fn time(name: &str, raw: &Raw) -> Result<i64, String> {
    let s = text_of(name, raw, "string")?;
    parse_instant(&s).ok_or_else(|| format!("{name} must be a valid ISO 8601 date string with a time zone offset"))
}

fn badge_ids(name: &str, raw: &Raw) -> Result<Vec<i64>, String> {
    let items: Vec<String> = match raw {
        Raw::Json(Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                Value::Number(n) if n.is_i64() => Ok(n.to_string()),
                _ => Err(format!("each value in {name} must be an integer number")),
            })
            .collect::<Result<_, _>>()?,
        Raw::Json(Value::String(s)) | Raw::Text(s) => ids::from_text(name, s)?,
        Raw::Json(Value::Number(n)) => vec![n.to_string()],
        Raw::File(bytes) => ids::parse_csv(name, &String::from_utf8_lossy(bytes))?,
        _ => return Err(format!("{name} must be an array of integers")),
    };
    let mut out = Vec::with_capacity(items.len());
    for s in items {
        let n: i64 = s
            .parse()
            .map_err(|_| format!("each value in {name} must be an integer number"))?;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(out)
}

fn id_list(name: &str, raw: &Raw) -> Result<Vec<String>, String> {
    match raw {
        Raw::Json(v) => ids::from_json(name, v),
        Raw::Text(s) => ids::from_text(name, s),
        Raw::File(bytes) => {
            let text = std::str::from_utf8(bytes).map_err(|_| format!("{name} file must be UTF-8 text"))?;
            ids::parse_csv(name, text)
        }
    }
}

/// Checks an uploaded banner from its header: PNG, JPEG, WebP or GIF, at most 10 MB, 16:9
/// within 1%.
pub fn check_image(name: &str, bytes: Vec<u8>) -> Result<Image, String> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(format!("{name} must be at most 10 MB"));
    }
    let (ext, content_type) = match imagesize::image_type(&bytes) {
        Ok(imagesize::ImageType::Png) => ("png", "image/png"),
        Ok(imagesize::ImageType::Jpeg) => ("jpg", "image/jpeg"),
        Ok(imagesize::ImageType::Webp) => ("webp", "image/webp"),
        Ok(imagesize::ImageType::Gif) => ("gif", "image/gif"),
        _ => return Err(format!("{name} must be a PNG, JPEG, WebP or GIF image")),
    };
    let size = imagesize::blob_size(&bytes).map_err(|_| format!("{name} is not a readable image"))?;
    let (width, height) = (size.width, size.height);
    if width == 0 || height == 0 || !is_16_9(width, height) {
        return Err(format!(
            "{name} must have a 16:9 aspect ratio (within 1%); it is {width}x{height}"
        ));
    }
    Ok(Image {
        ext,
        content_type,
        width,
        height,
        bytes,
    })
}

fn is_16_9(width: usize, height: usize) -> bool {
    let ratio = width as f64 / height as f64;
    ((ratio / (16.0 / 9.0)) - 1.0).abs() <= 0.01
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_747_000_000_000; // 2025-05-11

    fn json_fields(v: Value) -> Vec<(String, Raw)> {
        v.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), Raw::Json(v.clone())))
            .collect()
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, Raw)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Raw::Text((*v).to_owned())))
            .collect()
    }

    fn reference() -> Value {
        json!({
            "title": "Weekly Prize Draw", "text": "Join to win exclusive rewards!", "buttonText": "Join Now",
            "template": 1, "pic": "https://example.com/banner.jpg",
            "startTime": "2026-05-20T10:00:00Z", "endTime": "2026-05-21T10:00:00Z",
            "maxWinners": 3, "minMessages": 5, "enableTranslation": true, "enableWinnersAnnouncement": true,
            "rewardName": "VIP Pass", "rewardDescription": "One month VIP access",
            "winnerListUrl": "https://yourplatform.com/webhooks/giveaway-winners",
            "roomIds": ["room_123", "room_456"]
        })
    }

    #[test]
    fn the_reference_example_validates() {
        let v = validate_create(json_fields(reference()), NOW).unwrap();
        let s = v.spec;
        assert_eq!(s.title, "Weekly Prize Draw");
        assert_eq!(s.start_at, parse_instant("2026-05-20T10:00:00Z").unwrap());
        assert_eq!(s.max_winners, 3);
        assert_eq!(s.min_messages, Some(5));
        assert!(s.enable_translation && s.enable_winners_announcement);
        assert_eq!(s.room_ids, ["room_123", "room_456"]);
        assert_eq!(s.template, Some(1));
    }

    #[test]
    fn claim_deadline_hours_is_a_count_of_hours_and_fixed_once_started() {
        let mut body = reference();
        body["claimDeadlineHours"] = json!(48);
        let v = validate_create(json_fields(body.clone()), NOW).unwrap();
        assert_eq!(v.spec.claim_deadline_hours, Some(48));
        assert_eq!(
            validate_create(json_fields(reference()), NOW)
                .unwrap()
                .spec
                .claim_deadline_hours,
            None
        );
        for bad in [json!(0), json!(2161), json!("two days")] {
            body["claimDeadlineHours"] = bad.clone();
            let p = validate_create(json_fields(body.clone()), NOW).unwrap_err();
            assert!(p.iter().any(|m| m.starts_with("claimDeadlineHours")), "{bad}: {p:?}");
        }
        let spec = validate_create(json_fields(reference()), NOW).unwrap().spec;
        let later = validate_patch(&spec, true, json_fields(json!({ "claimDeadlineHours": 24 })), NOW).unwrap();
        assert_eq!(later.spec.claim_deadline_hours, Some(24));
        let started = validate_patch(&spec, false, json_fields(json!({ "claimDeadlineHours": 24 })), NOW).unwrap_err();
        assert!(
            started[0].starts_with("claimDeadlineHours cannot be changed"),
            "{started:?}"
        );
        // A spec stored before the field existed reads as "no claim".
        let stored = serde_json::to_value(&spec).unwrap();
        let mut old = stored.as_object().unwrap().clone();
        old.remove("claim_deadline_hours");
        let back: ChatGiveawaySpec = serde_json::from_value(Value::Object(old)).unwrap();
        assert_eq!(back.claim_deadline_hours, None);
    }

    #[test]
    fn forms_take_text_booleans_and_csv() {
        let v = validate_create(
            form(&[
                ("title", "T"),
                ("endTime", "2026-05-21T12:00:00+02:00"),
                ("maxWinners", "3"),
                ("enableTranslation", "1"),
                ("enableWinnersAnnouncement", "false"),
                ("badgeIds", "4, 5,4"),
                ("roomIds", "room_1,room_2"),
                ("template", "1"),
            ]),
            NOW,
        )
        .unwrap();
        assert!(v.spec.enable_translation && !v.spec.enable_winners_announcement);
        assert_eq!(v.spec.badge_ids, [4, 5]);
        assert_eq!(v.spec.end_at, parse_instant("2026-05-21T10:00:00Z").unwrap());
        assert_eq!(v.spec.start_at, NOW, "no startTime: live now");
    }

    #[test]
    fn every_problem_is_reported_naming_its_field() {
        let long = "x".repeat(256);
        let e = validate_create(
            json_fields(json!({
                "title": long, "text": 5, "startTime": "2026-05-21T10:00:00Z", "endTime": "2026-05-20T10:00:00Z",
                "maxWinners": 5, "maxParticipants": 5, "minParticipants": 6, "enableTranslation": "yes",
                "badgeIds": ["a"], "pic": "http://example.com/a.png", "template": "one",
                "winnerListUrl": "ftp://x"
            })),
            NOW,
        )
        .unwrap_err();
        for field in [
            "title must be shorter",
            "text must be a string",
            "endTime must be after startTime",
            "maxWinners must be less than maxParticipants",
            "minParticipants must not be greater",
            "enableTranslation must be a boolean",
            "each value in badgeIds",
            "pic must be an https URL",
            "template must be an integer",
            "winnerListUrl must be an https URL",
            "roomIds or userIds",
        ] {
            assert!(e.iter().any(|m| m.starts_with(field)), "{field} missing from {e:?}");
        }
        let e = validate_create(
            json_fields(json!({"userIds": ["u"], "endTime": "2026-05-21 10:00"})),
            NOW,
        )
        .unwrap_err();
        assert!(e.iter().any(|m| m.starts_with("title should not be empty")));
        assert!(e.iter().any(|m| m.starts_with("endTime must be a valid ISO 8601")));
        let e = validate_create(
            json_fields(json!({"title": "t", "userIds": ["u"], "endTime": "2020-01-01T00:00:00Z", "maxWinners": 0})),
            NOW,
        )
        .unwrap_err();
        assert!(e.contains(&"endTime must be in the future".to_owned()));
        assert!(e.contains(&"maxWinners must not be less than 1".to_owned()));
    }

    #[test]
    fn patches_before_and_after_the_start() {
        let spec = validate_create(json_fields(reference()), NOW).unwrap().spec;
        let p = validate_patch(&spec, true, json_fields(json!({"title": "New", "maxWinners": 2})), NOW).unwrap();
        assert_eq!((p.spec.title.as_str(), p.spec.max_winners), ("New", 2));
        let e = validate_patch(
            &spec,
            true,
            json_fields(json!({"endTime": "2026-05-19T10:00:00Z"})),
            NOW,
        )
        .unwrap_err();
        assert_eq!(e, ["endTime must be after startTime"]);
        let later = json_fields(json!({"endTime": "2026-05-22T10:00:00Z"}));
        assert!(validate_patch(&spec, false, later, NOW).is_ok());
        let e = validate_patch(
            &spec,
            false,
            json_fields(json!({"title": "x", "endTime": "2026-05-20T12:00:00Z"})),
            NOW,
        )
        .unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("title cannot be changed"));
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut b = vec![
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
        ];
        b.extend_from_slice(&width.to_be_bytes());
        b.extend_from_slice(&height.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    #[test]
    fn images_are_checked_from_their_header() {
        let ok = check_image("pic", png(1920, 1080)).unwrap();
        assert_eq!((ok.ext, ok.width, ok.height), ("png", 1920, 1080));
        assert!(check_image("pic", png(1600, 904)).is_ok(), "within 1%");
        assert!(check_image("pic", png(1600, 1000)).unwrap_err().contains("16:9"));
        assert!(check_image("pic", b"GIF89a".to_vec()).is_err());
        assert!(check_image("pic", b"hello".to_vec()).unwrap_err().contains("PNG, JPEG"));
        let mut big = png(1920, 1080);
        big.resize(MAX_IMAGE_BYTES + 1, 0);
        assert!(check_image("pic", big).unwrap_err().contains("10 MB"));
    }
}
