//! Source health for the CIF daily list: one list per working day (ZFPPIPP 122.a); a working
//! day without a received list is an alert, never a quiet gap (design.md §6). Weekends and
//! work-free days (law::Calendar) expect no list.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{Alert, AlertKind, si_date};
use crate::law::calendar::{Calendar, CalendarError};

/// Working days strictly after `last_success` up to and including `through` — the daily lists
/// that should have been received. (A list is produced at the end of its working day: pass
/// yesterday as `through` before that hour, today after it.)
pub fn expected_daily_lists(
    calendar: &Calendar,
    last_success: NaiveDate,
    through: NaiveDate,
) -> Result<Vec<NaiveDate>, CalendarError> {
    let mut out = Vec::new();
    let mut d = last_success;
    while d < through {
        d = match d.succ_opt() {
            Some(x) => x,
            None => break,
        };
        if calendar.is_working_day(d)? {
            out.push(d);
        }
    }
    Ok(out)
}

/// One alert per expected daily list (see [`expected_daily_lists`]) not in `received`.
pub fn missing_daily_lists(
    calendar: &Calendar,
    last_success: NaiveDate,
    through: NaiveDate,
    received: &BTreeSet<NaiveDate>,
) -> Result<Vec<Alert>, CalendarError> {
    Ok(expected_daily_lists(calendar, last_success, through)?
        .into_iter()
        .filter(|d| !received.contains(d))
        .map(|d| Alert {
            kind: AlertKind::MissingDailyList,
            date: d,
            message: format!(
                "The CIF daily list of {} (a working day) was not received; debtors whose proceedings started that day are not blocked until it is (ZFPPIPP 122.a)",
                si_date(d)
            ),
        })
        .collect())
}
