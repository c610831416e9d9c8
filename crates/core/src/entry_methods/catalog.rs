//! The catalog of entry method types: the actions a giveaway can reward.
//!
//! A type's id is stored on every configured method and on every entry made through it, and
//! clients keep ids in their own code. So an id, once published here, is never reused and never
//! renumbered: a type that is retired stays in the table, and a new type takes a new id.

use serde::Serialize;

/// A group of types, as the catalog endpoint presents them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    TwitterX,
    Instagram,
    Facebook,
    YouTube,
    TikTok,
    Discord,
    Telegram,
    Twitch,
    Reddit,
    LinkedIn,
    Pinterest,
    Spotify,
    Content,
    Commerce,
    Email,
    Other,
    Special,
}

impl Category {
    /// Every category, in the order the catalog lists them (the reference's order first).
    pub const ALL: [Category; 17] = [
        Category::TwitterX,
        Category::Instagram,
        Category::Facebook,
        Category::YouTube,
        Category::TikTok,
        Category::Discord,
        Category::Telegram,
        Category::Twitch,
        Category::Reddit,
        Category::LinkedIn,
        Category::Pinterest,
        Category::Spotify,
        Category::Content,
        Category::Commerce,
        Category::Email,
        Category::Other,
        Category::Special,
    ];

    /// The key of the category in the catalog response.
    pub fn key(self) -> &'static str {
        match self {
            Category::TwitterX => "twitter_x",
            other => other.type_slug(),
        }
    }

    /// The `type` each of its entries carries. It differs from the key only for X, whose types
    /// the reference still calls "twitter".
    pub fn type_slug(self) -> &'static str {
        match self {
            Category::TwitterX => "twitter",
            Category::Instagram => "instagram",
            Category::Facebook => "facebook",
            Category::YouTube => "youtube",
            Category::TikTok => "tiktok",
            Category::Discord => "discord",
            Category::Telegram => "telegram",
            Category::Twitch => "twitch",
            Category::Reddit => "reddit",
            Category::LinkedIn => "linkedin",
            Category::Pinterest => "pinterest",
            Category::Spotify => "spotify",
            Category::Content => "content",
            Category::Commerce => "commerce",
            Category::Email => "email",
            Category::Other => "other",
            Category::Special => "special",
        }
    }
}

/// One entry method type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryMethodType {
    pub id: i64,
    pub name: &'static str,
    pub category: Category,
    /// Whether a method of this type must name its target (`entry_link`): the account to
    /// follow, the post to like, the page to visit. Types where the participant supplies
    /// something instead (an answer, a photo, an e-mail address) do not.
    pub needs_link: bool,
}

impl Serialize for EntryMethodType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("EntryMethodType", 3)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("name", self.name)?;
        st.serialize_field("type", self.category.type_slug())?;
        st.end()
    }
}

/// "User Details": name and e-mail, the method every giveaway has and cannot lose.
pub const USER_DETAILS: i64 = 1;
/// "Refer a Friend".
pub const REFER_A_FRIEND: i64 = 5;
/// "Upload a Photo": a photo contest's submission, completed by uploading a photo on the page.
pub const UPLOAD_A_PHOTO: i64 = 10;

const LINK: bool = true;
const NO_LINK: bool = false;

const fn t(id: i64, name: &'static str, category: Category, needs_link: bool) -> EntryMethodType {
    EntryMethodType {
        id,
        name,
        category,
        needs_link,
    }
}

use Category::{
    Commerce, Content, Discord, Email, Facebook, Instagram, LinkedIn, Other, Pinterest, Reddit, Special, Spotify,
    Telegram, TikTok, Twitch, TwitterX, YouTube,
};

/// Every type. Append only: ids are permanent (see the module documentation).
pub const CATALOG: &[EntryMethodType] = &[
    // The first ids span several categories.
    t(1, "User Details", Special, NO_LINK),
    t(2, "Daily Bonus Entry", Special, NO_LINK),
    t(3, "Enter a Secret Code", Special, NO_LINK),
    t(4, "Free Bonus Entries", Special, NO_LINK),
    t(5, "Refer a Friend", Special, NO_LINK),
    t(6, "Share the Giveaway", Special, NO_LINK),
    t(7, "Visit a Website", Other, LINK),
    t(8, "Subscribe to a Newsletter", Email, NO_LINK),
    t(9, "Answer a Question", Content, NO_LINK),
    t(10, "Upload a Photo", Content, NO_LINK),
    t(11, "Upload a Video", Content, NO_LINK),
    t(12, "Comment on a Blog Post", Content, LINK),
    t(13, "Make a Purchase", Commerce, NO_LINK),
    // X (Twitter).
    t(14, "Follow on Twitter", TwitterX, LINK),
    t(15, "Retweet a Tweet", TwitterX, LINK),
    t(16, "Like a Tweet", TwitterX, LINK),
    t(17, "Post a Tweet", TwitterX, NO_LINK),
    t(18, "Reply to a Tweet", TwitterX, LINK),
    t(19, "Quote a Tweet", TwitterX, LINK),
    t(20, "Tweet a Hashtag", TwitterX, NO_LINK),
    t(21, "Turn On Tweet Notifications", TwitterX, LINK),
    t(22, "Bookmark a Tweet", TwitterX, LINK),
    t(23, "Vote in a Twitter Poll", TwitterX, LINK),
    t(24, "Tag Friends in a Reply", TwitterX, LINK),
    t(25, "Join a Twitter Space", TwitterX, LINK),
    t(26, "Subscribe on X", TwitterX, LINK),
    // Instagram.
    t(30, "Follow on Instagram", Instagram, LINK),
    t(31, "Like a Post", Instagram, LINK),
    t(32, "Comment on an Instagram Post", Instagram, LINK),
    t(33, "Tag Friends on Instagram", Instagram, LINK),
    t(34, "Share a Post to Your Story", Instagram, LINK),
    t(35, "Post a Photo with a Hashtag", Instagram, NO_LINK),
    t(36, "Watch an Instagram Reel", Instagram, LINK),
    t(37, "Like an Instagram Reel", Instagram, LINK),
    t(38, "Visit an Instagram Profile", Instagram, LINK),
    t(39, "Turn On Instagram Post Notifications", Instagram, LINK),
    t(40, "Save an Instagram Post", Instagram, LINK),
    t(41, "Mention Us in Your Story", Instagram, NO_LINK),
    t(42, "Send a Direct Message on Instagram", Instagram, LINK),
    t(43, "Watch an Instagram Live", Instagram, LINK),
    // Facebook.
    t(45, "Visit a Facebook Page", Facebook, LINK),
    t(46, "Follow a Facebook Page", Facebook, LINK),
    t(47, "Like a Facebook Post", Facebook, LINK),
    t(48, "Comment on a Facebook Post", Facebook, LINK),
    t(49, "Share a Facebook Post", Facebook, LINK),
    t(50, "Join a Facebook Group", Facebook, LINK),
    t(51, "Watch a Facebook Video", Facebook, LINK),
    t(52, "RSVP to a Facebook Event", Facebook, LINK),
    t(53, "Tag Friends in a Facebook Comment", Facebook, LINK),
    t(54, "Send a Message on Messenger", Facebook, LINK),
    t(55, "Recommend a Facebook Page", Facebook, LINK),
    t(56, "Share the Giveaway on Facebook", Facebook, NO_LINK),
    t(57, "Watch a Facebook Live", Facebook, LINK),
    // YouTube.
    t(60, "Subscribe to a YouTube Channel", YouTube, LINK),
    t(61, "Watch a YouTube Video", YouTube, LINK),
    t(62, "Like a YouTube Video", YouTube, LINK),
    t(63, "Comment on a YouTube Video", YouTube, LINK),
    t(64, "Visit a YouTube Channel", YouTube, LINK),
    t(65, "Watch a YouTube Short", YouTube, LINK),
    t(66, "Turn On YouTube Notifications", YouTube, LINK),
    t(67, "Join a YouTube Channel Membership", YouTube, LINK),
    t(68, "Watch a YouTube Live Stream", YouTube, LINK),
    t(69, "Share a YouTube Video", YouTube, LINK),
    // TikTok.
    t(75, "Follow on TikTok", TikTok, LINK),
    t(76, "Like a TikTok Video", TikTok, LINK),
    t(77, "Comment on a TikTok Video", TikTok, LINK),
    t(78, "Share a TikTok Video", TikTok, LINK),
    t(79, "Watch a TikTok Video", TikTok, LINK),
    t(80, "Duet a TikTok Video", TikTok, LINK),
    t(81, "Stitch a TikTok Video", TikTok, LINK),
    t(82, "Post a TikTok with a Hashtag", TikTok, NO_LINK),
    t(83, "Use a TikTok Sound", TikTok, LINK),
    t(84, "Visit a TikTok Profile", TikTok, LINK),
    t(85, "Watch a TikTok LIVE", TikTok, LINK),
    t(86, "Favorite a TikTok Video", TikTok, LINK),
    // Discord.
    t(90, "Join a Discord Server", Discord, LINK),
    t(91, "Have a Discord Role", Discord, LINK),
    t(92, "Post in a Discord Channel", Discord, LINK),
    t(93, "Boost a Discord Server", Discord, LINK),
    t(94, "React to a Discord Message", Discord, LINK),
    // Telegram.
    t(100, "Join a Telegram Channel", Telegram, LINK),
    t(101, "Join a Telegram Group", Telegram, LINK),
    t(102, "Start a Telegram Bot", Telegram, LINK),
    t(103, "View a Telegram Post", Telegram, LINK),
    t(104, "React to a Telegram Post", Telegram, LINK),
    t(105, "Share a Telegram Post", Telegram, LINK),
    // Twitch.
    t(110, "Follow on Twitch", Twitch, LINK),
    t(111, "Subscribe on Twitch", Twitch, LINK),
    t(112, "Watch a Twitch Stream", Twitch, LINK),
    t(113, "Chat in a Twitch Stream", Twitch, LINK),
    t(114, "Visit a Twitch Channel", Twitch, LINK),
    // Reddit.
    t(120, "Join a Subreddit", Reddit, LINK),
    t(121, "Upvote a Reddit Post", Reddit, LINK),
    t(122, "Comment on a Reddit Post", Reddit, LINK),
    t(123, "Follow a Reddit User", Reddit, LINK),
    t(124, "Visit a Subreddit", Reddit, LINK),
    // LinkedIn.
    t(130, "Follow a LinkedIn Company Page", LinkedIn, LINK),
    t(131, "Follow on LinkedIn", LinkedIn, LINK),
    t(132, "Like a LinkedIn Post", LinkedIn, LINK),
    t(133, "Comment on a LinkedIn Post", LinkedIn, LINK),
    t(134, "Share a LinkedIn Post", LinkedIn, LINK),
    t(135, "Join a LinkedIn Group", LinkedIn, LINK),
    // Pinterest.
    t(140, "Follow on Pinterest", Pinterest, LINK),
    t(141, "Follow a Pinterest Board", Pinterest, LINK),
    t(142, "Save a Pin", Pinterest, LINK),
    t(143, "Create a Pin", Pinterest, NO_LINK),
    t(144, "Visit a Pinterest Profile", Pinterest, LINK),
    // Spotify.
    t(150, "Follow an Artist on Spotify", Spotify, LINK),
    t(151, "Follow a Spotify Playlist", Spotify, LINK),
    t(152, "Save a Track on Spotify", Spotify, LINK),
    t(153, "Save an Album on Spotify", Spotify, LINK),
    t(154, "Listen to a Song on Spotify", Spotify, LINK),
    t(155, "Follow a Podcast on Spotify", Spotify, LINK),
    t(156, "Pre-save a Release on Spotify", Spotify, LINK),
    // Content.
    t(160, "Write a Text Submission", Content, NO_LINK),
    t(161, "Submit a Link", Content, NO_LINK),
    t(162, "Take a Poll", Content, NO_LINK),
    t(163, "Take a Quiz", Content, NO_LINK),
    t(164, "Upload a File", Content, NO_LINK),
    t(165, "Read a Blog Post", Content, LINK),
    t(166, "Write a Caption", Content, NO_LINK),
    t(167, "Submit a Recipe", Content, NO_LINK),
    t(168, "Vote for a Favorite", Content, NO_LINK),
    // Commerce.
    t(170, "Enter an Order Number", Commerce, NO_LINK),
    t(171, "Write a Product Review", Commerce, LINK),
    t(172, "Leave a Google Review", Commerce, LINK),
    t(173, "Leave a Trustpilot Review", Commerce, LINK),
    t(174, "Leave a Yelp Review", Commerce, LINK),
    t(175, "Visit a Product Page", Commerce, LINK),
    t(176, "Add a Product to a Wishlist", Commerce, LINK),
    t(177, "Favorite an Etsy Shop", Commerce, LINK),
    t(178, "Download an iOS App", Commerce, LINK),
    t(179, "Download an Android App", Commerce, LINK),
    t(180, "Review an App", Commerce, LINK),
    t(181, "Visit an Amazon Store", Commerce, LINK),
    t(182, "Use a Coupon Code", Commerce, NO_LINK),
    t(183, "Start a Free Trial", Commerce, LINK),
    t(184, "Book an Appointment", Commerce, LINK),
    // E-mail and SMS.
    t(185, "Subscribe via Mailchimp", Email, NO_LINK),
    t(186, "Subscribe via Klaviyo", Email, NO_LINK),
    t(187, "Subscribe via Kit (ConvertKit)", Email, NO_LINK),
    t(188, "Subscribe via ActiveCampaign", Email, NO_LINK),
    t(189, "Subscribe via AWeber", Email, NO_LINK),
    t(190, "Subscribe via Constant Contact", Email, NO_LINK),
    t(191, "Subscribe via GetResponse", Email, NO_LINK),
    t(192, "Subscribe via Brevo", Email, NO_LINK),
    t(193, "Subscribe to SMS Updates", Email, NO_LINK),
    t(194, "Verify Your Phone Number", Email, NO_LINK),
    // Other platforms and actions.
    t(195, "Download a File", Other, LINK),
    t(196, "Watch a Video", Other, LINK),
    t(197, "Listen to a Podcast", Other, LINK),
    t(198, "Subscribe to a Podcast", Other, LINK),
    t(199, "Follow on Threads", Other, LINK),
    t(200, "Follow on Bluesky", Other, LINK),
    t(201, "Follow on Snapchat", Other, LINK),
    t(202, "Join a WhatsApp Channel", Other, LINK),
    t(203, "Follow on SoundCloud", Other, LINK),
    t(204, "Follow on Medium", Other, LINK),
    t(205, "Star a GitHub Repository", Other, LINK),
    t(206, "Join a Slack Community", Other, LINK),
    t(207, "Follow on Kick", Other, LINK),
    t(208, "Wishlist a Game on Steam", Other, LINK),
    t(209, "Add an Event to Your Calendar", Other, LINK),
    t(210, "Complete a Custom Action", Other, NO_LINK),
];

/// The type with this id.
pub fn find(id: i64) -> Option<&'static EntryMethodType> {
    CATALOG.iter().find(|t| t.id == id)
}

/// The types of one category, in id order.
pub fn in_category(category: Category) -> impl Iterator<Item = &'static EntryMethodType> {
    CATALOG.iter().filter(move |t| t.category == category)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_positive_and_ascending() {
        let ids: Vec<i64> = CATALOG.iter().map(|t| t.id).collect();
        let unique: HashSet<i64> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "an id is used twice");
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "append only, in id order");
        assert!(ids.iter().all(|&id| id > 0));
        assert!(CATALOG.len() >= 125, "only {} types", CATALOG.len());
    }

    #[test]
    fn names_are_present_and_unique() {
        let mut seen = HashSet::new();
        for t in CATALOG {
            assert!(!t.name.trim().is_empty() && t.name.trim() == t.name, "{t:?}");
            assert!(seen.insert(t.name), "duplicate name {:?}", t.name);
        }
    }

    #[test]
    fn every_type_is_in_a_listed_category_and_every_category_has_types() {
        let listed: HashSet<Category> = Category::ALL.into_iter().collect();
        assert_eq!(listed.len(), Category::ALL.len());
        assert!(CATALOG.iter().all(|t| listed.contains(&t.category)));
        for c in Category::ALL {
            assert!(in_category(c).next().is_some(), "{c:?} is empty");
        }
        let keys: HashSet<&str> = Category::ALL.iter().map(|c| c.key()).collect();
        for documented in [
            "twitter_x",
            "facebook",
            "instagram",
            "youtube",
            "tiktok",
            "discord",
            "telegram",
            "content",
            "commerce",
            "special",
        ] {
            assert!(keys.contains(documented), "{documented}");
        }
    }

    #[test]
    fn the_reference_ids_keep_their_meaning() {
        let expect = [
            (1, "User Details", "special"),
            (5, "Refer a Friend", "special"),
            (14, "Follow on Twitter", "twitter"),
            (15, "Retweet a Tweet", "twitter"),
            (16, "Like a Tweet", "twitter"),
            (30, "Follow on Instagram", "instagram"),
            (31, "Like a Post", "instagram"),
        ];
        for (id, name, slug) in expect {
            let t = find(id).unwrap();
            assert_eq!((t.name, t.category.type_slug()), (name, slug));
        }
        assert_eq!(find(USER_DETAILS).unwrap().name, "User Details");
        assert_eq!(find(REFER_A_FRIEND).unwrap().name, "Refer a Friend");
        assert!(find(0).is_none() && find(27).is_none() && find(-1).is_none());
        assert_eq!(
            serde_json::to_value(find(14).unwrap()).unwrap(),
            serde_json::json!({ "id": 14, "name": "Follow on Twitter", "type": "twitter" })
        );
    }

    #[test]
    fn follows_and_visits_name_their_target() {
        for t in CATALOG {
            let lower = t.name.to_lowercase();
            if lower.starts_with("follow") || lower.starts_with("visit") || lower.starts_with("join") {
                assert!(t.needs_link, "{t:?}");
            }
        }
        assert!(!find(USER_DETAILS).unwrap().needs_link);
    }
}
