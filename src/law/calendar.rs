//! Slovenian work-free days (dela prosti dnevi) as effective-dated rules, for deadlines.
//!
//! Source: Zakon o praznikih in dela prostih dnevih v Republiki Sloveniji (ZPDPD), art. 1 (state
//! holidays that are work-free) and art. 2 (other work-free days). Coverage: from 2000-01-01;
//! earlier dates are refused ([`CalendarError::BeforeCoverage`]) rather than guessed. Saturdays
//! and Sundays are never working days for court deadlines (ZPP 111(4)).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

/// How a rule finds its date in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HolidayDate {
    /// The same month and day every year.
    Fixed {
        /// Month 1–12.
        month: u32,
        /// Day of month.
        day: u32,
    },
    /// Days after Easter Sunday (Gregorian computus): 0 Easter Sunday, 1 Easter Monday, 49
    /// Pentecost Sunday.
    EasterOffset(u64),
}

/// One work-free day rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HolidayRule {
    /// Slovene name and English gloss.
    pub name: &'static str,
    /// When it falls.
    pub date: HolidayDate,
    /// First day the rule applies (inclusive).
    pub from: NaiveDate,
    /// Last day the rule applies (inclusive), `None` while in force.
    pub to: Option<NaiveDate>,
    /// Where the rule comes from.
    pub citation: &'static str,
}

impl HolidayRule {
    fn in_force(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|t| date <= t)
    }

    fn date_in(&self, year: i32) -> Option<NaiveDate> {
        match self.date {
            HolidayDate::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            HolidayDate::EasterOffset(n) => easter_sunday(year)?.checked_add_days(Days::new(n)),
        }
    }
}

/// Why a date could not be classified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A date before the rules' coverage.
    #[error(
        "{date} is before 1 January 2000, where writ's holiday calendar starts; check the date by hand"
    )]
    BeforeCoverage {
        /// Date asked for.
        date: NaiveDate,
    },
    /// The calendar's end (no working day found).
    #[error("no working day found after {date}")]
    OutOfRange {
        /// Date asked for.
        date: NaiveDate,
    },
}

const ZPDPD_1: &str = "ZPDPD art. 1";
const ZPDPD_2: &str = "ZPDPD art. 2";
const JAN2_REMOVED: &str = "2 January not work-free 2013–2016: ZUJF (Uradni list RS 40/2012) / ZPDPD-C (Uradni list RS 83/2012), as given in writ's brief; news reports (rtvslo.si 2.1.2018) confirm four years without it";
const JAN2_RESTORED: &str = "2 January work-free again from 2017: ZPDPD-D (adopted by the Državni zbor in December 2016; Uradni list number not read here)";

/// A Slovenian calendar of work-free days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calendar {
    rules: Vec<HolidayRule>,
    start: NaiveDate,
}

impl Default for Calendar {
    fn default() -> Self {
        Self::slovenia()
    }
}

impl Calendar {
    /// The ZPDPD work-free days from 2000 onwards.
    pub fn slovenia() -> Self {
        let start = ymd(2000, 1, 1);
        let fixed = |name, month, day, citation| HolidayRule {
            name,
            date: HolidayDate::Fixed { month, day },
            from: start,
            to: None,
            citation,
        };
        let easter = |name, n| HolidayRule {
            name,
            date: HolidayDate::EasterOffset(n),
            from: start,
            to: None,
            citation: ZPDPD_2,
        };
        let jan2 = |from, to, citation| HolidayRule {
            name: "novo leto (New Year, 2nd day)",
            date: HolidayDate::Fixed { month: 1, day: 2 },
            from,
            to,
            citation,
        };
        let rules = vec![
            fixed("novo leto (New Year)", 1, 1, ZPDPD_1),
            jan2(start, Some(ymd(2012, 12, 31)), ZPDPD_1),
            jan2(ymd(2017, 1, 1), None, JAN2_RESTORED),
            fixed(
                "Prešernov dan (Prešeren Day, Slovenian cultural holiday)",
                2,
                8,
                ZPDPD_1,
            ),
            easter("velikonočna nedelja (Easter Sunday)", 0),
            easter("velikonočni ponedeljek (Easter Monday)", 1),
            fixed(
                "dan upora proti okupatorju (Day of Uprising Against Occupation)",
                4,
                27,
                ZPDPD_1,
            ),
            fixed("praznik dela (Labour Day)", 5, 1, ZPDPD_1),
            fixed("praznik dela (Labour Day, 2nd day)", 5, 2, ZPDPD_1),
            easter("binkoštna nedelja (Pentecost Sunday)", 49),
            fixed("dan državnosti (Statehood Day)", 6, 25, ZPDPD_1),
            fixed("Marijino vnebovzetje (Assumption Day)", 8, 15, ZPDPD_2),
            fixed("dan reformacije (Reformation Day)", 10, 31, ZPDPD_2),
            fixed("dan spomina na mrtve (Remembrance Day)", 11, 1, ZPDPD_1),
            fixed("božič (Christmas)", 12, 25, ZPDPD_2),
            fixed(
                "dan samostojnosti in enotnosti (Independence and Unity Day)",
                12,
                26,
                ZPDPD_1,
            ),
        ];
        Calendar { rules, start }
    }

    /// The rules, with citations.
    pub fn rules(&self) -> &[HolidayRule] {
        &self.rules
    }

    /// The note explaining why 2 January 2013–2016 is a working day.
    pub fn jan2_gap_citation() -> &'static str {
        JAN2_REMOVED
    }

    /// The rule making `date` work-free, if any (`None` also before 2000).
    pub fn holiday(&self, date: NaiveDate) -> Option<&HolidayRule> {
        if date < self.start {
            return None;
        }
        self.rules
            .iter()
            .find(|r| r.in_force(date) && r.date_in(date.year()) == Some(date))
    }

    /// Name of the work-free day on `date`, if it is one (`None` also before 2000).
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        self.holiday(date).map(|r| r.name)
    }

    /// Whether courts work on `date`: not Saturday, Sunday or a work-free day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if date < self.start {
            return Err(CalendarError::BeforeCoverage { date });
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        Ok(!weekend && self.holiday(date).is_none())
    }

    /// `date` itself if it is a working day, else the next working day.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut d = date;
        for _ in 0..30 {
            if self.is_working_day(d)? {
                return Ok(d);
            }
            d = d.succ_opt().ok_or(CalendarError::OutOfRange { date })?;
        }
        Err(CalendarError::OutOfRange { date })
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.working_day_on_or_after(date.succ_opt().ok_or(CalendarError::OutOfRange { date })?)
    }

    /// Why `date` is not a working day ("Saturday", a holiday's name), or `None` if it is one.
    pub fn closed_reason(&self, date: NaiveDate) -> Result<Option<String>, CalendarError> {
        if self.is_working_day(date)? {
            return Ok(None);
        }
        Ok(Some(match self.holiday(date) {
            Some(r) => format!("{}, a work-free day ({})", r.name, r.citation),
            None => format!(
                "a {}",
                if date.weekday() == Weekday::Sat {
                    "Saturday"
                } else {
                    "Sunday"
                }
            ),
        }))
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The calendar date in Europe/Ljubljana at an instant: CET (UTC+1), CEST (UTC+2) from the last
/// Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (the EU rule in force since
/// 1996). Legal dates (design.md §3) are Ljubljana dates; the instant is passed in.
pub fn ljubljana_date(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    use chrono::{Datelike, Duration, NaiveDate, TimeZone, Weekday};
    let last_sunday = |month: u32| {
        let mut d = NaiveDate::from_ymd_opt(at.year(), month + 1, 1)
            .unwrap_or(NaiveDate::MAX)
            .pred_opt()
            .unwrap_or(NaiveDate::MAX);
        while d.weekday() != Weekday::Sun {
            d = d.pred_opt().unwrap_or(d);
        }
        d
    };
    let switch =
        |d: NaiveDate| chrono::Utc.from_utc_datetime(&d.and_hms_opt(1, 0, 0).unwrap_or_default());
    let summer = at >= switch(last_sunday(3)) && at < switch(last_sunday(10));
    (at + Duration::hours(if summer { 2 } else { 1 })).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_dates() {
        for (y, m, d) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2014, 4, 20),
            (2018, 4, 1),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(y), Some(ymd(y, m, d)), "{y}");
        }
    }

    #[test]
    fn movable_days() {
        let c = Calendar::slovenia();
        assert_eq!(
            c.holiday_name(ymd(2025, 4, 21)),
            Some("velikonočni ponedeljek (Easter Monday)")
        );
        assert_eq!(c.is_working_day(ymd(2025, 4, 21)), Ok(false));
        assert_eq!(
            c.holiday_name(ymd(2025, 6, 8)),
            Some("binkoštna nedelja (Pentecost Sunday)")
        );
        assert_eq!(c.is_working_day(ymd(2025, 6, 9)), Ok(true)); // Whit Monday is not work-free
    }

    #[test]
    fn fixed_days_and_weekends() {
        let c = Calendar::slovenia();
        for (m, d) in [
            (1, 1),
            (2, 8),
            (4, 27),
            (5, 1),
            (5, 2),
            (6, 25),
            (8, 15),
            (10, 31),
            (11, 1),
            (12, 25),
            (12, 26),
        ] {
            assert!(c.holiday_name(ymd(2024, m, d)).is_some(), "{m}-{d}");
        }
        assert_eq!(c.is_working_day(ymd(2024, 3, 2)), Ok(false)); // Saturday
        assert_eq!(c.is_working_day(ymd(2024, 3, 4)), Ok(true));
        assert_eq!(
            c.closed_reason(ymd(2024, 3, 3)).unwrap().as_deref(),
            Some("a Sunday")
        );
    }

    #[test]
    fn second_of_january() {
        let c = Calendar::slovenia();
        assert_eq!(c.is_working_day(ymd(2012, 1, 2)), Ok(false));
        for y in 2013..=2016 {
            let d = ymd(y, 1, 2);
            assert_eq!(c.holiday_name(d), None, "{y}");
        }
        assert_eq!(c.is_working_day(ymd(2014, 1, 2)), Ok(true)); // Thursday
        assert_eq!(c.is_working_day(ymd(2018, 1, 2)), Ok(false)); // Tuesday
        assert!(
            c.holiday(ymd(2018, 1, 2))
                .unwrap()
                .citation
                .contains("ZPDPD-D")
        );
        assert!(Calendar::jan2_gap_citation().contains("83/2012"));
    }

    #[test]
    fn next_working_day_over_christmas() {
        let c = Calendar::slovenia();
        assert_eq!(c.next_working_day(ymd(2025, 12, 24)), Ok(ymd(2025, 12, 29)));
        assert_eq!(
            c.working_day_on_or_after(ymd(2025, 12, 24)),
            Ok(ymd(2025, 12, 24))
        );
        assert_eq!(
            c.working_day_on_or_after(ymd(2025, 12, 25)),
            Ok(ymd(2025, 12, 29))
        );
    }

    #[test]
    fn before_coverage() {
        let c = Calendar::slovenia();
        assert!(matches!(
            c.is_working_day(ymd(1999, 12, 31)),
            Err(CalendarError::BeforeCoverage { .. })
        ));
        assert_eq!(c.holiday_name(ymd(1999, 12, 25)), None);
    }
}
