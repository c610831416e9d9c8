//! Metering: every completed draw is billed once, at its tier's price when it completed.
//! Failed draws are never billed, and an idempotent retry replays the first answer instead of
//! drawing again, so it is one draw.

use crate::engine::{Engine, EngineError, EngineResult, Principal};
use fairdraw_store::comment_draws::UsageLine;

/// A calendar month in UTC, `[from, to)` in Unix ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Month {
    pub year: i16,
    pub month: i8,
    pub from: i64,
    pub to: i64,
}

impl Month {
    /// `YYYY-MM`, or the month of `now` when absent.
    pub fn parse(raw: Option<&str>, now: i64) -> Result<Month, String> {
        let (year, month) = match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                let ts = jiff::Timestamp::from_millisecond(now).map_err(|e| e.to_string())?;
                let d = ts.to_zoned(jiff::tz::TimeZone::UTC).date();
                (d.year(), d.month())
            }
            Some(s) => {
                let bad = || "month must be YYYY-MM, e.g. 2026-04.".to_owned();
                let (y, m) = s.split_once('-').ok_or_else(bad)?;
                if y.len() != 4 || m.len() != 2 {
                    return Err(bad());
                }
                let y: i16 = y.parse().map_err(|_| bad())?;
                let m: i8 = m.parse().map_err(|_| bad())?;
                if !(1..=12).contains(&m) || !(1970..=9998).contains(&y) {
                    return Err(bad());
                }
                (y, m)
            }
        };
        let start = |y: i16, m: i8| -> Result<i64, String> {
            let d = jiff::civil::date(y, m, 1);
            Ok(d.to_zoned(jiff::tz::TimeZone::UTC)
                .map_err(|e| e.to_string())?
                .timestamp()
                .as_millisecond())
        };
        let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        Ok(Month {
            year,
            month,
            from: start(year, month)?,
            to: start(ny, nm)?,
        })
    }

    pub fn label(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// `cents` as dollars with two decimals.
pub fn dollars(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}

impl Engine {
    /// The invoice lines of a month.
    pub async fn comment_draw_usage(
        &self,
        who: &Principal,
        month: Option<&str>,
    ) -> EngineResult<(Month, Vec<UsageLine>)> {
        let month = Month::parse(month, self.now_ms()).map_err(EngineError::BadRequest)?;
        let lines = self.db().comment_draw_usage(who.brand_id, month.from, month.to).await?;
        Ok((month, lines))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        let m = Month::parse(Some("2026-12"), 0).unwrap();
        assert_eq!(m.label(), "2026-12");
        assert_eq!(m.to - m.from, 31 * 86_400_000);
        assert!(Month::parse(Some("2026-13"), 0).is_err());
        assert!(Month::parse(Some("26-01"), 0).is_err());
        assert_eq!(Month::parse(None, 1_781_524_800_000).unwrap().label(), "2026-06");
        assert_eq!(dollars(749), "7.49");
        assert_eq!(dollars(1_000), "10.00");
    }
}
