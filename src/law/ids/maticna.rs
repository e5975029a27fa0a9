//! Matična številka (business registration number, AJPES).

use super::{IdError, IdKind, compact, digit, string_id, trimmed};

const KIND: IdKind = IdKind::RegistrationNumber;
const WEIGHTS: [u32; 6] = [7, 6, 5, 4, 3, 2];

/// A matična številka: 7 digits (6 + a mod-11 check digit: weights 7..2 over digits 1–6,
/// r = (−sum) mod 11, r = 0 → no valid number, else digit r mod 10), optionally followed by a
/// 3-character unit suffix (`000` = head office; a letter is allowed only in position 8, for
/// units above 999; positions 9–10 are digits). Lower-case letters are upper-cased; the suffix
/// `000` is dropped, so `9331310000` normalises to `9331310`. python-stdnum `si/maticna.py`
/// (PR #414 reading of the AJPES rule).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationNumber(String);

impl RegistrationNumber {
    /// Parses and checks a matična številka; spaces are ignored.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let t = trimmed(KIND, input)?;
        let s = compact(t).to_ascii_uppercase();
        let n = s.chars().count();
        if n != 7 && n != 10 {
            return Err(IdError::Length {
                kind: KIND,
                input: t.into(),
                expected: "7 digits or 10 characters",
                found: n,
            });
        }
        let b = s.as_bytes();
        if !b[..7].iter().all(u8::is_ascii_digit) {
            return Err(IdError::format(
                KIND,
                t,
                "the first 7 characters must be digits",
            ));
        }
        if n == 10
            && !(b[7].is_ascii_alphanumeric() && b[8].is_ascii_digit() && b[9].is_ascii_digit())
        {
            return Err(IdError::format(
                KIND,
                t,
                "the unit suffix must be 3 characters: a digit or letter, then two digits",
            ));
        }
        let r = Self::check_value(&s[..6]).ok_or_else(|| IdError::NoCheckDigit {
            kind: KIND,
            input: t.into(),
        })?;
        let found = digit(b[6]);
        if r % 10 != found {
            return Err(IdError::checksum(KIND, t, "check digit", r % 10, found));
        }
        let norm = if n == 10 && &s[7..] == "000" {
            s[..7].to_string()
        } else {
            s
        };
        Ok(RegistrationNumber(norm))
    }

    /// Completes 6 digits with their check digit; `None` if r = 0 or the payload is malformed.
    pub fn complete(first6: &str) -> Option<Self> {
        if first6.len() != 6 || !first6.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let r = Self::check_value(first6)?;
        Some(RegistrationNumber(format!("{first6}{}", r % 10)))
    }

    /// r = (−sum) mod 11, `None` when r = 0.
    fn check_value(first6: &str) -> Option<u32> {
        let sum: u32 = first6.bytes().zip(WEIGHTS).map(|(b, w)| digit(b) * w).sum();
        match (11 - sum % 11) % 11 {
            0 => None,
            r => Some(r),
        }
    }

    /// Normalised form: 7 digits for the head office, 10 characters for a unit.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 7-digit number of the legal person.
    pub fn base(&self) -> &str {
        &self.0[..7]
    }

    /// The unit suffix, `None` for the head office (`000`).
    pub fn unit(&self) -> Option<&str> {
        self.0.get(7..).filter(|u| !u.is_empty())
    }
}

string_id!(RegistrationNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid_vectors() {
        assert_eq!(
            RegistrationNumber::parse("9331310000").unwrap().as_str(),
            "9331310"
        );
        for (input, norm) in [
            ("9331310255", "9331310255"),
            ("9331310", "9331310"),
            ("9331310 000", "9331310"),
            ("8982279A00", "8982279A00"),
            ("8982279J00", "8982279J00"),
            ("8982279z00", "8982279Z00"),
            ("8982279f00", "8982279F00"),
        ] {
            assert_eq!(
                RegistrationNumber::parse(input).unwrap().as_str(),
                norm,
                "{input}"
            );
        }
        let online = "1876031010 3490360000 3501264000 5147174000 5263565019 5300231000 5300231136 \
            5300231150 5464943000 5464943003 5464943608 5491711 5860571000 5860571084 5860571255 \
            5860580000 5860580150 7282664000 8071993000 8339414000 8982279000 9331310";
        for input in online
            .split_whitespace()
            .chain(["6589049", "5043611000", "1000080"])
        {
            assert!(RegistrationNumber::parse(input).is_ok(), "{input}");
        }
        let unit = RegistrationNumber::parse("9331310255").unwrap();
        assert_eq!((unit.base(), unit.unit()), ("9331310", Some("255")));
        assert_eq!(RegistrationNumber::parse("9331310").unwrap().unit(), None);
    }

    #[test]
    fn invalid_vectors() {
        // python-stdnum reports all of these as "checksum"; where the first 6 digits give
        // r = 0 (e.g. 9015310) no check digit exists at all, which we report as NoCheckDigit.
        for input in [
            "9331320000",
            "5491710",
            "9015310",
            "2961970",
            "5015170",
            "3919110",
            "1000081",
        ] {
            assert!(
                matches!(
                    RegistrationNumber::parse(input),
                    Err(IdError::Checksum { .. } | IdError::NoCheckDigit { .. })
                ),
                "{input}"
            );
        }
        assert!(matches!(
            RegistrationNumber::parse("12345"),
            Err(IdError::Length { .. })
        ));
        assert!(matches!(
            RegistrationNumber::parse("555555555"),
            Err(IdError::Length { found: 9, .. })
        ));
        for input in ["933A310100", "93313100A0", "9331310AA0", "9331310$$$"] {
            assert!(
                matches!(
                    RegistrationNumber::parse(input),
                    Err(IdError::Format { .. })
                ),
                "{input}"
            );
        }
        for input in ["1000020", "1000021"] {
            assert!(
                matches!(
                    RegistrationNumber::parse(input),
                    Err(IdError::NoCheckDigit { .. })
                ),
                "{input}"
            );
        }
        assert_eq!(
            RegistrationNumber::parse("5491710")
                .unwrap_err()
                .to_string(),
            "registration number (matična) 5491710: check digit should be 1, found 0"
        );
    }

    proptest! {
        #[test]
        fn completed_numbers_parse(p in 0u32..1_000_000, unit in 0u32..1000) {
            let payload = format!("{p:06}");
            if let Some(m) = RegistrationNumber::complete(&payload) {
                let with_unit = format!("{}{unit:03}", m.as_str());
                prop_assert!(RegistrationNumber::parse(&with_unit).is_ok());
                // Digit 0 stands for r = 10 only (r = 0 is refused), so every change is caught.
                for pos in 0..7 {
                    for d in 0..10u8 {
                        let mut b = m.as_str().as_bytes().to_vec();
                        if b[pos] == b'0' + d { continue; }
                        b[pos] = b'0' + d;
                        let s = String::from_utf8(b).unwrap();
                        prop_assert!(RegistrationNumber::parse(&s).is_err(), "{} accepted", s);
                    }
                }
            }
        }
    }
}
