//! Page-number pagination as the management API documents it.

use serde::Serialize;

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;

/// A validated page request. `page` starts at 1; `per_page` is at most [`MAX_PER_PAGE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl PageRequest {
    /// Builds a request from the query values. Out-of-range values are brought into range
    /// (page below 1 becomes 1, per_page above the maximum becomes the maximum), as clients of
    /// the reference API expect; values that are not numbers are the caller's 400.
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> PageRequest {
        let page = page.unwrap_or(1).clamp(1, i64::from(u32::MAX)) as u32;
        let per_page = per_page
            .unwrap_or(i64::from(DEFAULT_PER_PAGE))
            .clamp(1, i64::from(MAX_PER_PAGE)) as u32;
        PageRequest { page, per_page }
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn offset(self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.per_page)
    }
}

/// The `pagination` object of a list response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PageInfo {
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    pub total_pages: u64,
    pub has_more: bool,
}

impl PageInfo {
    pub fn new(req: PageRequest, total: u64) -> PageInfo {
        let per_page = u64::from(req.per_page);
        let total_pages = total.div_ceil(per_page);
        PageInfo {
            page: req.page,
            per_page: req.per_page,
            total,
            total_pages,
            has_more: u64::from(req.page) < total_pages,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(PageRequest::new(None, None), PageRequest { page: 1, per_page: 20 });
        assert_eq!(
            PageRequest::new(Some(0), Some(1000)),
            PageRequest { page: 1, per_page: 100 }
        );
        assert_eq!(
            PageRequest::new(Some(-3), Some(0)),
            PageRequest { page: 1, per_page: 1 }
        );
        assert_eq!(PageRequest::new(Some(3), Some(25)).offset(), 50);
    }

    #[test]
    fn page_info_matches_the_reference_example() {
        let info = PageInfo::new(PageRequest::new(Some(1), Some(25)), 142);
        assert_eq!(
            info,
            PageInfo {
                page: 1,
                per_page: 25,
                total: 142,
                total_pages: 6,
                has_more: true
            }
        );
        let last = PageInfo::new(PageRequest::new(Some(6), Some(25)), 142);
        assert!(!last.has_more);
        let empty = PageInfo::new(PageRequest::default(), 0);
        assert_eq!((empty.total_pages, empty.has_more), (0, false));
    }
}
