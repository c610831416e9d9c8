//! Photo contests: the photos people upload with the "Upload a Photo" entry method, checked and
//! cleaned before anything stores them, their moderation status, and the rules of votes.
//!
//! A photo's type is read from its bytes (never from the name or the declared type), its size
//! and pixel count are bounded, and every piece of metadata that can say where or by whom it was
//! taken (EXIF, with its GPS position and thumbnail; XMP; text chunks; comments; the extra
//! images of an MPF file) is dropped without decoding the image, so the pixels are stored as
//! they were sent. ICC colour profiles stay: they change how the photo looks, not who took it.

use img_parts::jpeg::{Jpeg, JpegSegment, markers};
use img_parts::png::Png;
use img_parts::riff::RiffContent;
use img_parts::webp::{CHUNK_EXIF, CHUNK_VP8X, CHUNK_XMP, WebP};
use img_parts::{Bytes, ImageEXIF};

/// The default largest upload: 10 MB.
pub const DEFAULT_MAX_BYTES: usize = 10 * 1024 * 1024;
/// The default largest photo: 40 megapixels.
pub const DEFAULT_MAX_PIXELS: u64 = 40_000_000;
/// The longest caption, in characters.
pub const MAX_CAPTION: usize = 500;

/// How large a photo may be; the server's configuration sets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhotoLimits {
    pub max_bytes: usize,
    pub max_pixels: u64,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        PhotoLimits {
            max_bytes: DEFAULT_MAX_BYTES,
            max_pixels: DEFAULT_MAX_PIXELS,
        }
    }
}

/// A photo ready to store: its type as its bytes say, its size, and its bytes without metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    pub ext: &'static str,
    pub content_type: &'static str,
    pub width: u64,
    pub height: u64,
    pub bytes: Vec<u8>,
}

/// Why a photo is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("No photo was sent.")]
    Empty,
    #[error("The photo is larger than {} MB.", .max_bytes.div_ceil(1024 * 1024))]
    TooLarge { max_bytes: usize },
    #[error("The photo must be a PNG, JPEG or WebP image.")]
    NotAnImage,
    #[error("The photo cannot be read; it may be damaged.")]
    Unreadable,
    #[error("The photo has too many pixels ({width}x{height}); the limit is {max_pixels} pixels.")]
    TooManyPixels { width: u64, height: u64, max_pixels: u64 },
}

/// Checks an upload and strips its metadata.
pub fn check_photo(bytes: &[u8], limits: &PhotoLimits) -> Result<Photo, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    let (ext, content_type) = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Png) => ("png", "image/png"),
        Ok(imagesize::ImageType::Jpeg) => ("jpg", "image/jpeg"),
        Ok(imagesize::ImageType::Webp) => ("webp", "image/webp"),
        _ => return Err(PhotoError::NotAnImage),
    };
    let size = imagesize::blob_size(bytes).map_err(|_| PhotoError::Unreadable)?;
    let (width, height) = (size.width as u64, size.height as u64);
    if width == 0 || height == 0 {
        return Err(PhotoError::Unreadable);
    }
    if width.saturating_mul(height) > limits.max_pixels {
        return Err(PhotoError::TooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    let data = Bytes::copy_from_slice(bytes);
    let cleaned = match ext {
        "png" => strip_png(data),
        "jpg" => strip_jpeg(data),
        _ => strip_webp(data),
    }
    .ok_or(PhotoError::Unreadable)?;
    Ok(Photo {
        ext,
        content_type,
        width,
        height,
        bytes: cleaned,
    })
}

/// PNG chunks that carry metadata: EXIF, the three kinds of text (XMP travels in `iTXt`), and
/// the modification time.
const PNG_METADATA: [[u8; 4]; 5] = [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"];

fn strip_png(data: Bytes) -> Option<Vec<u8>> {
    let mut png = Png::from_bytes(data).ok()?;
    for kind in PNG_METADATA {
        png.remove_chunks_by_type(kind);
    }
    Some(png.encoder().bytes().to_vec())
}

/// Whether a JPEG segment is kept: the image's own segments, the JFIF header (APP0), the ICC
/// profile (APP2 `ICC_PROFILE`) and Adobe's colour transform flag (APP14). Everything else in
/// APP1–APP15 (EXIF, XMP, MPF, Photoshop's IPTC, maker data) and comments go.
fn keep_jpeg_segment(segment: &JpegSegment) -> bool {
    match segment.marker() {
        markers::APP0 | markers::APP14 => true,
        markers::APP2 => segment.contents().starts_with(b"ICC_PROFILE\0"),
        m if (markers::APP1..=markers::APP15).contains(&m) => false,
        markers::COM => false,
        _ => true,
    }
}

fn strip_jpeg(data: Bytes) -> Option<Vec<u8>> {
    let mut jpeg = Jpeg::from_bytes(data).ok()?;
    let segments = jpeg.segments_mut();
    segments.retain(keep_jpeg_segment);
    // The scan's data runs to the end of the file: cut it after the end-of-image marker, so
    // nothing appended after the image (the extra images of an MPF file, with their own EXIF)
    // is kept. 0xFF 0xD9 cannot occur inside entropy-coded data (0xFF is stuffed there).
    for segment in segments.iter_mut() {
        if !segment.has_entropy() {
            continue;
        }
        let entropy = segment_entropy(segment)?;
        let end = entropy.windows(2).position(|w| w == [0xFF, markers::EOI])?;
        *segment =
            JpegSegment::new_with_entropy(segment.marker(), segment.contents().clone(), entropy.slice(..end + 2));
    }
    if !jpeg.segments().iter().any(JpegSegment::has_entropy) {
        return None;
    }
    Some(jpeg.encoder().bytes().to_vec())
}

/// A scan segment's entropy-coded data (with the end-of-image marker): what its encoding has
/// after the marker, the length and the header.
fn segment_entropy(segment: &JpegSegment) -> Option<Bytes> {
    let header = 2 + 2 + segment.contents().len();
    let all = segment.clone().encoder().bytes();
    (all.len() >= header).then(|| all.slice(header..))
}

fn strip_webp(data: Bytes) -> Option<Vec<u8>> {
    let mut webp = WebP::from_bytes(data).ok()?;
    webp.remove_chunks_by_id(CHUNK_XMP);
    // Removes the EXIF chunk and updates the header's flags (or drops the extended header
    // when nothing else needs it).
    webp.set_exif(None);
    // img-parts keeps the XMP flag as it was; clear it, as there is no XMP chunk any more.
    if let Some(vp8x) = webp.chunks_mut().iter_mut().find(|c| c.id() == CHUNK_VP8X)
        && let RiffContent::Data(data) = vp8x.content_mut()
        && let Some(&flags) = data.first()
    {
        let mut copy = data.to_vec();
        copy[0] = flags & !0b0000_0100;
        *data = Bytes::from(copy);
    }
    if webp.chunks().iter().any(|c| c.id() == CHUNK_EXIF) {
        return None;
    }
    Some(webp.encoder().bytes().to_vec())
}

/// A caption, trimmed: at most [`MAX_CAPTION`] characters, no control characters but line
/// breaks; empty means none.
pub fn caption(raw: Option<&str>) -> Result<Option<String>, String> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_CAPTION {
        return Err(format!("The caption must be at most {MAX_CAPTION} characters."));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("The caption may not contain control characters.".to_owned());
    }
    Ok(Some(text.to_owned()))
}

/// Where a submission is in moderation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending,
    Approved,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "pending" => Some(Status::Pending),
            "approved" => Some(Status::Approved),
            "rejected" => Some(Status::Rejected),
            _ => None,
        }
    }
}

/// What votes do, as the giveaway's settings say (`gallery_votes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteMode {
    /// Each vote adds one entry for the photo's author.
    Entries,
    /// Votes decide a "most voted" winner, picked by the owner (a manual pick, never a draw).
    MostVoted,
}

impl VoteMode {
    pub const DEFAULT: &'static str = "most_voted";

    pub fn parse(s: &str) -> Option<VoteMode> {
        match s {
            "entries" => Some(VoteMode::Entries),
            "most_voted" => Some(VoteMode::MostVoted),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small photos made with ImageMagick and cwebp; the `-gps` copies got an EXIF GPS position,
    /// XMP, and (the JPEG) a comment from exiftool.
    const JPEG: &[u8] = include_bytes!("../tests/fixtures/photo.jpg");
    const PNG: &[u8] = include_bytes!("../tests/fixtures/photo.png");
    const WEBP: &[u8] = include_bytes!("../tests/fixtures/photo.webp");
    const JPEG_GPS: &[u8] = include_bytes!("../tests/fixtures/photo-gps.jpg");
    const PNG_GPS: &[u8] = include_bytes!("../tests/fixtures/photo-gps.png");
    const WEBP_GPS: &[u8] = include_bytes!("../tests/fixtures/photo-gps.webp");

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn types_come_from_the_bytes() {
        let l = PhotoLimits::default();
        assert_eq!(check_photo(JPEG, &l).unwrap().content_type, "image/jpeg");
        assert_eq!(check_photo(PNG, &l).unwrap().content_type, "image/png");
        assert_eq!(check_photo(WEBP, &l).unwrap().content_type, "image/webp");
        assert_eq!(
            check_photo(b"<svg xmlns='http://www.w3.org/2000/svg'/>", &l),
            Err(PhotoError::NotAnImage)
        );
        assert_eq!(
            check_photo(b"GIF89a\x01\0\x01\0\0\0\0;", &l),
            Err(PhotoError::NotAnImage)
        );
        assert_eq!(check_photo(b"", &l), Err(PhotoError::Empty));
        // A JPEG signature with nothing behind it.
        assert!(check_photo(&JPEG[..20], &l).is_err());
    }

    #[test]
    fn size_and_pixel_limits_hold() {
        let tight = PhotoLimits {
            max_bytes: JPEG.len() - 1,
            max_pixels: 1 << 40,
        };
        assert_eq!(
            check_photo(JPEG, &tight),
            Err(PhotoError::TooLarge {
                max_bytes: JPEG.len() - 1
            })
        );
        let p = check_photo(JPEG, &PhotoLimits::default()).unwrap();
        let few = PhotoLimits {
            max_bytes: DEFAULT_MAX_BYTES,
            max_pixels: p.width * p.height - 1,
        };
        assert!(matches!(check_photo(JPEG, &few), Err(PhotoError::TooManyPixels { .. })));
        assert!(
            PhotoError::TooLarge {
                max_bytes: DEFAULT_MAX_BYTES
            }
            .to_string()
            .contains("10 MB")
        );
    }

    #[test]
    fn metadata_is_dropped_and_pixels_kept() {
        let l = PhotoLimits::default();
        for (with, without) in [(JPEG_GPS, JPEG), (PNG_GPS, PNG), (WEBP_GPS, WEBP)] {
            assert!(
                contains(with, b"GPS") || contains(with, b"Exif"),
                "the fixture has metadata"
            );
            let p = check_photo(with, &l).unwrap();
            assert!(!contains(&p.bytes, b"Exif\0"), "EXIF left in a {}", p.ext);
            assert!(!contains(&p.bytes, b"xmpmeta"), "XMP left in a {}", p.ext);
            assert!(!contains(&p.bytes, b"Fairdraw test"), "a comment left in a {}", p.ext);
            let clean = check_photo(without, &l).unwrap();
            assert_eq!((p.width, p.height), (clean.width, clean.height));
            // Cleaning is stable: a clean photo comes out as it went in.
            assert_eq!(check_photo(&p.bytes, &l).unwrap().bytes, p.bytes);
        }
        let jpeg = Jpeg::from_bytes(Bytes::from(check_photo(JPEG_GPS, &l).unwrap().bytes)).unwrap();
        assert!(jpeg.exif().is_none());
        let webp = WebP::from_bytes(Bytes::from(check_photo(WEBP_GPS, &l).unwrap().bytes)).unwrap();
        assert!(webp.exif().is_none());
    }

    #[test]
    fn data_after_the_image_is_cut() {
        let mut appended = JPEG.to_vec();
        appended.extend_from_slice(b"\xFF\xD8\xFF\xE1\0\x10Exif\0\0GPS-trailer");
        let p = check_photo(&appended, &PhotoLimits::default()).unwrap();
        assert!(!contains(&p.bytes, b"GPS-trailer"));
        assert!(p.bytes.ends_with(&[0xFF, 0xD9]));
    }

    #[test]
    fn captions_and_names() {
        assert_eq!(caption(Some("  ")), Ok(None));
        assert_eq!(caption(Some(" My dog\n ")), Ok(Some("My dog".to_owned())));
        assert!(caption(Some(&"x".repeat(501))).is_err());
        assert!(caption(Some("a\u{7}b")).is_err());
        for s in [Status::Pending, Status::Approved, Status::Rejected] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("all"), None);
        assert_eq!(VoteMode::parse(VoteMode::DEFAULT), Some(VoteMode::MostVoted));
        assert_eq!(VoteMode::parse("entries"), Some(VoteMode::Entries));
        assert_eq!(VoteMode::parse("random"), None);
    }
}
