//! Statutory default interest rates (predpisana obrestna mera zamudnih obresti), one row per
//! half-year, as data with the Uradni list notice of each row.
//!
//! Rule: ZPOMZO-1 art. 2 — ECB main refinancing rate before the half-year + 8 percentage points,
//! fixed for 1 Jan–30 Jun and 1 Jul–31 Dec, published by the Minister of Finance in the Uradni
//! list RS. Table and statuses: interest-reference.md §4.2; notice numbers for 2008–2022 H1 from
//! the CEPRIS rate file (`cepris/LatePayments`, `SiInterestRates.json`).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// First day writ computes statutory interest for (see [`RateError::OutOfScope`]).
pub fn coverage_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// One half-year: 1 Jan–30 Jun (H1) or 1 Jul–31 Dec (H2). `Display`: `2007 H2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HalfYear {
    /// Calendar year.
    pub year: i32,
    /// 1 or 2.
    pub half: u8,
}

impl HalfYear {
    /// The half-year containing `date`.
    pub fn containing(date: NaiveDate) -> Self {
        HalfYear {
            year: date.year(),
            half: if date.month() <= 6 { 1 } else { 2 },
        }
    }

    /// 1 Jan or 1 Jul.
    pub fn start(self) -> NaiveDate {
        let month = if self.half == 1 { 1 } else { 7 };
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MAX)
    }

    /// 30 Jun or 31 Dec.
    pub fn end(self) -> NaiveDate {
        let (m, d) = if self.half == 1 { (6, 30) } else { (12, 31) };
        NaiveDate::from_ymd_opt(self.year, m, d).unwrap_or(NaiveDate::MAX)
    }

    /// The following half-year.
    pub fn next(self) -> Self {
        if self.half == 1 {
            HalfYear {
                year: self.year,
                half: 2,
            }
        } else {
            HalfYear {
                year: self.year + 1,
                half: 1,
            }
        }
    }
}

impl fmt::Display for HalfYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} H{}", self.year, self.half)
    }
}

/// How well a rate row is supported (legend of domain-si.md / interest-reference.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RateStatus {
    /// The Uradni list notice itself was read.
    Verified,
    /// A third party states the rate and cites the notice.
    Secondary,
    /// Computed by us from verified inputs (ECB rate + 8); the notice has not been seen.
    Derived,
    /// Not a statutory table rate: supplied by the caller (e.g. an agreed contract rate).
    Given,
}

/// One half-year's statutory default interest rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRow {
    /// 1 Jan or 1 Jul.
    pub from: NaiveDate,
    /// 30 Jun or 31 Dec of the same half-year.
    pub to: NaiveDate,
    /// Rate in percent per year, e.g. `8.15`.
    pub rate_percent: Decimal,
    /// The Uradni list notice, e.g. `Uradni list RS 50/2014`, or why there is none.
    pub source: String,
    /// Evidence behind the row.
    pub status: RateStatus,
}

impl RateRow {
    /// The half-year the row covers.
    pub fn half_year(&self) -> HalfYear {
        HalfYear::containing(self.from)
    }
}

/// Why a rate could not be found or a row not added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    /// No row covers the half-year; interest for it must not be taken as zero.
    #[error(
        "no statutory interest rate is on file for {half_year}; add the Uradni list notice for it first"
    )]
    Missing {
        /// E.g. `2007 H2`.
        half_year: String,
    },
    /// A row's `from` is not 1 January or 1 July.
    #[error("a rate row must start on 1 January or 1 July, not {from}")]
    NotHalfYearStart {
        /// The offending start date.
        from: NaiveDate,
    },
    /// A row's `to` is not the last day of its half-year.
    #[error("the rate row from {from} must end on {expected}, not {to}")]
    WrongEnd {
        /// Start of the row.
        from: NaiveDate,
        /// End given.
        to: NaiveDate,
        /// End required.
        expected: NaiveDate,
    },
    /// A row for this half-year already exists; use [`RateTable::replace`] to override it.
    #[error("a rate for {half_year} is already on file; replacing it must be done explicitly")]
    Duplicate {
        /// E.g. `2024 H1`.
        half_year: String,
    },
    /// A row without a source.
    #[error("the rate row for {half_year} has no source; name the Uradni list notice")]
    NoSource {
        /// E.g. `2027 H1`.
        half_year: String,
    },
    /// A negative rate.
    #[error("the rate for {half_year} is negative ({rate} %)")]
    Negative {
        /// E.g. `2027 H1`.
        half_year: String,
        /// The rate given.
        rate: Decimal,
    },
    /// A row before 2008, outside what writ computes (older half-years fall under earlier rules,
    /// including the OZ 376 cap; domain-si.md §3.4).
    #[error(
        "rates before 2008 are outside writ's scope ({half_year}); compute such interest by hand"
    )]
    OutOfScope {
        /// E.g. `2007 H2`.
        half_year: String,
    },
}

/// The statutory default interest rate table: one row per half-year, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTable {
    rows: Vec<RateRow>,
}

/// (year, half, rate, notice, status) for the built-in table.
const BUILTIN: &[(i32, u8, &str, &str, RateStatus)] = {
    use RateStatus::{Derived as D, Secondary as S, Verified as V};
    &[
        (2008, 1, "12.00", "Uradni list RS 2/2008", S),
        (2008, 2, "12.00", "Uradni list RS 73/2008", S),
        (2009, 1, "10.50", "Uradni list RS 1/2009", S),
        (2009, 2, "9.00", "Uradni list RS 51/2009", S),
        (2010, 1, "9.00", "Uradni list RS 1/2010", S),
        (2010, 2, "9.00", "Uradni list RS 53/2010", S),
        (2011, 1, "9.00", "Uradni list RS 1/2011", S),
        (2011, 2, "9.25", "Uradni list RS 54/2011", S),
        (2012, 1, "9.00", "Uradni list RS 1/2012", S),
        (2012, 2, "9.00", "Uradni list RS 51/2012", S),
        (2013, 1, "8.75", "Uradni list RS 1/2013", S),
        (2013, 2, "8.50", "Uradni list RS 56/2013", S),
        (2014, 1, "8.25", "Uradni list RS 1/2014", S),
        (2014, 2, "8.15", "Uradni list RS 50/2014", V),
        (2015, 1, "8.05", "Uradni list RS 2/2015", S),
        (2015, 2, "8.05", "Uradni list RS 48/2015", S),
        (2016, 1, "8.05", "Uradni list RS 1/2016", S),
        (2016, 2, "8.00", "Uradni list RS 48/2016", S),
        (2017, 1, "8.00", "Uradni list RS 1/2017", S),
        (2017, 2, "8.00", "Uradni list RS 34/2017", S),
        (2018, 1, "8.00", "Uradni list RS 1/2018", S),
        (2018, 2, "8.00", "Uradni list RS 46/2018", S),
        (2019, 1, "8.00", "Uradni list RS 1/2019", S),
        (2019, 2, "8.00", "Uradni list RS 44/2019", S),
        (2020, 1, "8.00", "Uradni list RS 1/2020", S),
        (2020, 2, "8.00", "Uradni list RS 93/2020", S),
        (2021, 1, "8.00", "Uradni list RS 5/2021", S),
        (2021, 2, "8.00", "Uradni list RS 106/2021", S),
        (2022, 1, "8.00", "Uradni list RS 5/2022", S),
        (2022, 2, "8.00", "Uradni list RS 90/2022", S),
        (2023, 1, "10.50", "Uradni list RS 2/2023", V),
        (2023, 2, "12.00", "Uradni list RS 74/2023", S),
        (2024, 1, "12.50", "Uradni list RS 1/2024", S),
        (2024, 2, "12.25", "Uradni list RS 55/2024", S),
        (2025, 1, "11.15", "Uradni list RS 2/2025", S),
        (2025, 2, "10.15", "Uradni list RS 50/2025", S),
        (
            2026,
            1,
            "10.15",
            "derived, pending Uradni list notice: ECB MRO 2.15 % unchanged through 31.12.2025 + 8 (ZPOMZO-1 art. 2)",
            D,
        ),
        (
            2026,
            2,
            "10.40",
            "derived, pending Uradni list notice: ECB MRO raised to 2.40 % on 11.6.2026 + 8 (ZPOMZO-1 art. 2)",
            D,
        ),
    ]
};

impl RateTable {
    /// A table with no rows.
    pub fn empty() -> Self {
        RateTable { rows: Vec::new() }
    }

    /// The built-in table, 2008 H1 through 2026 H2.
    pub fn builtin() -> Self {
        let rows = BUILTIN
            .iter()
            .map(|&(year, half, rate, source, status)| {
                let hy = HalfYear { year, half };
                RateRow {
                    from: hy.start(),
                    to: hy.end(),
                    rate_percent: rate.parse().unwrap_or(Decimal::ZERO),
                    source: source.to_string(),
                    status,
                }
            })
            .collect();
        RateTable { rows }
    }

    /// The built-in table plus rows added by staff; a row for a half-year already on file is
    /// refused (use [`RateTable::replace`] to override a row on purpose).
    pub fn with_extra(rows: impl IntoIterator<Item = RateRow>) -> Result<Self, RateError> {
        let mut t = Self::builtin();
        for r in rows {
            t.add(r)?;
        }
        Ok(t)
    }

    /// Adds a row for a half-year not yet on file.
    pub fn add(&mut self, row: RateRow) -> Result<(), RateError> {
        Self::check_row(&row)?;
        match self.rows.binary_search_by_key(&row.from, |r| r.from) {
            Ok(_) => Err(RateError::Duplicate {
                half_year: row.half_year().to_string(),
            }),
            Err(i) => {
                self.rows.insert(i, row);
                Ok(())
            }
        }
    }

    /// Adds or explicitly replaces the row for a half-year; returns the row replaced, if any.
    pub fn replace(&mut self, row: RateRow) -> Result<Option<RateRow>, RateError> {
        Self::check_row(&row)?;
        match self.rows.binary_search_by_key(&row.from, |r| r.from) {
            Ok(i) => Ok(Some(std::mem::replace(&mut self.rows[i], row))),
            Err(i) => {
                self.rows.insert(i, row);
                Ok(None)
            }
        }
    }

    fn check_row(row: &RateRow) -> Result<(), RateError> {
        let hy = row.half_year();
        if row.from != hy.start() {
            return Err(RateError::NotHalfYearStart { from: row.from });
        }
        if row.to != hy.end() {
            return Err(RateError::WrongEnd {
                from: row.from,
                to: row.to,
                expected: hy.end(),
            });
        }
        if row.from < coverage_start() {
            return Err(RateError::OutOfScope {
                half_year: hy.to_string(),
            });
        }
        if row.source.trim().is_empty() {
            return Err(RateError::NoSource {
                half_year: hy.to_string(),
            });
        }
        if row.rate_percent.is_sign_negative() && !row.rate_percent.is_zero() {
            return Err(RateError::Negative {
                half_year: hy.to_string(),
                rate: row.rate_percent,
            });
        }
        Ok(())
    }

    /// The row in force on `date`, or [`RateError::Missing`] naming the half-year.
    pub fn rate_for(&self, date: NaiveDate) -> Result<&RateRow, RateError> {
        self.rows
            .iter()
            .find(|r| r.from <= date && date <= r.to)
            .ok_or_else(|| RateError::Missing {
                half_year: HalfYear::containing(date).to_string(),
            })
    }

    /// All rows, oldest first.
    pub fn rows(&self) -> &[RateRow] {
        &self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn builtin_covers_2008_to_2026_without_gaps() {
        let t = RateTable::builtin();
        assert_eq!(t.rows().len(), 38);
        let mut hy = HalfYear {
            year: 2008,
            half: 1,
        };
        for r in t.rows() {
            assert_eq!(r.half_year(), hy);
            assert_eq!((r.from, r.to), (hy.start(), hy.end()));
            assert!(r.rate_percent > Decimal::ZERO);
            hy = hy.next();
        }
        assert!(t.rows().iter().all(|r| RateTable::check_row(r).is_ok()));
    }

    #[test]
    fn known_rates_and_statuses() {
        let t = RateTable::builtin();
        let r = t.rate_for(day(2014, 8, 1)).unwrap();
        assert_eq!(
            (r.rate_percent, r.source.as_str(), r.status),
            (
                Decimal::new(815, 2),
                "Uradni list RS 50/2014",
                RateStatus::Verified
            )
        );
        assert_eq!(
            t.rate_for(day(2024, 6, 30)).unwrap().rate_percent,
            Decimal::new(1250, 2)
        );
        assert_eq!(
            t.rate_for(day(2024, 7, 1)).unwrap().rate_percent,
            Decimal::new(1225, 2)
        );
        let h1 = t.rate_for(day(2026, 3, 1)).unwrap();
        assert_eq!(
            (h1.rate_percent, h1.status),
            (Decimal::new(1015, 2), RateStatus::Derived)
        );
        assert!(h1.source.contains("pending Uradni list notice"));
        let h2 = t.rate_for(day(2026, 12, 31)).unwrap();
        assert_eq!(
            (h2.rate_percent, h2.status),
            (Decimal::new(1040, 2), RateStatus::Derived)
        );
    }

    #[test]
    fn missing_half_year_is_named() {
        let t = RateTable::builtin();
        assert_eq!(
            t.rate_for(day(2007, 12, 31)).unwrap_err(),
            RateError::Missing {
                half_year: "2007 H2".into()
            }
        );
        assert_eq!(
            t.rate_for(day(2027, 1, 1)).unwrap_err().to_string(),
            "no statutory interest rate is on file for 2027 H1; add the Uradni list notice for it first"
        );
    }

    #[test]
    fn staff_rows() {
        let row = |from: NaiveDate, to: NaiveDate, rate: i64| RateRow {
            from,
            to,
            rate_percent: Decimal::new(rate, 2),
            source: "Uradni list RS 1/2027".into(),
            status: RateStatus::Verified,
        };
        let t = RateTable::with_extra([row(day(2027, 1, 1), day(2027, 6, 30), 1040)]).unwrap();
        assert_eq!(
            t.rate_for(day(2027, 2, 1)).unwrap().source,
            "Uradni list RS 1/2027"
        );
        assert_eq!(
            RateTable::with_extra([row(day(2024, 1, 1), day(2024, 6, 30), 1250)]).unwrap_err(),
            RateError::Duplicate {
                half_year: "2024 H1".into()
            }
        );
        let mut t = RateTable::builtin();
        assert!(matches!(
            t.add(row(day(2027, 2, 1), day(2027, 6, 30), 1)),
            Err(RateError::NotHalfYearStart { .. })
        ));
        assert!(matches!(
            t.add(row(day(2027, 1, 1), day(2027, 12, 31), 1)),
            Err(RateError::WrongEnd { .. })
        ));
        assert!(matches!(
            t.add(row(day(2007, 7, 1), day(2007, 12, 31), 1200)),
            Err(RateError::OutOfScope { .. })
        ));
        let mut no_source = row(day(2027, 1, 1), day(2027, 6, 30), 1);
        no_source.source = " ".into();
        assert!(matches!(t.add(no_source), Err(RateError::NoSource { .. })));
        // Explicit replacement of a derived row once the notice is published.
        let old = t
            .replace(row(day(2026, 1, 1), day(2026, 6, 30), 1015))
            .unwrap()
            .unwrap();
        assert_eq!(old.status, RateStatus::Derived);
        assert_eq!(
            t.rate_for(day(2026, 1, 1)).unwrap().status,
            RateStatus::Verified
        );
    }
}
