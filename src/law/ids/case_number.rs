//! Court case numbers (opravilna številka), e.g. `VL 190522/2013`.

use std::fmt;

use super::{IdError, IdKind, trimmed};

const KIND: IdKind = IdKind::CaseNumber;

/// A court case number: register (vpisnik, letters, e.g. `VL` for the COVL enforcement register,
/// `I`, `In`, `Ig`), a running number (no width cap) and a 4-digit year: `VL 190522/2013`.
/// Parses `VL190522/2013` and extra spaces too. The register is kept as written (registers such
/// as `In` are mixed case); the normalised form is `REGISTER NUMBER/YEAR`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    /// Register letters, e.g. `VL`.
    pub register: String,
    /// Running number within the register and year (no leading zeros in the normalised form).
    pub number: u64,
    /// Year the case was opened.
    pub year: i32,
    text: String,
}

impl CaseNumber {
    /// Parses a case number.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let t = trimmed(KIND, input)?;
        let letters: String = t.chars().take_while(|c| c.is_alphabetic()).collect();
        let rest = t[letters.len()..].trim_start();
        if letters.is_empty() || letters.chars().count() > 4 {
            return Err(IdError::format(
                KIND,
                t,
                "must start with the register letters, e.g. VL 190522/2013",
            ));
        }
        let Some((num, year)) = rest.split_once('/') else {
            return Err(IdError::format(
                KIND,
                t,
                "must have the form REGISTER NUMBER/YEAR, e.g. VL 190522/2013",
            ));
        };
        let (num, year) = (num.trim(), year.trim());
        if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::format(
                KIND,
                t,
                "the case number before the slash must be digits",
            ));
        }
        let number: u64 = num
            .parse()
            .map_err(|_| IdError::format(KIND, t, "the case number is too large"))?;
        if number == 0 {
            return Err(IdError::format(KIND, t, "the case number cannot be 0"));
        }
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::format(
                KIND,
                t,
                "the year after the slash must have 4 digits",
            ));
        }
        let year: i32 = year
            .parse()
            .map_err(|_| IdError::format(KIND, t, "the year is not a number"))?;
        Ok(Self::new(&letters, number, year))
    }

    fn new(register: &str, number: u64, year: i32) -> Self {
        CaseNumber {
            register: register.into(),
            number,
            year,
            text: format!("{register} {number}/{year}"),
        }
    }

    /// Normalised form, e.g. `VL 190522/2013`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for CaseNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::parse(s)
    }
}

impl serde::Serialize for CaseNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for CaseNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_both_spellings() {
        for input in ["VL 190522/2013", "VL190522/2013", "  VL  190522 / 2013 "] {
            let c = CaseNumber::parse(input).unwrap();
            assert_eq!(
                (c.register.as_str(), c.number, c.year),
                ("VL", 190522, 2013),
                "{input}"
            );
            assert_eq!(c.to_string(), "VL 190522/2013");
        }
        let long = CaseNumber::parse("VL 12345678901/2024").unwrap();
        assert_eq!(long.number, 12_345_678_901);
        assert_eq!(
            CaseNumber::parse("In 45/2019").unwrap().as_str(),
            "In 45/2019"
        );
    }

    #[test]
    fn refuses_malformed() {
        for input in [
            "190522/2013",
            "VL 190522",
            "VL 19x522/2013",
            "VL 190522/13",
            "VL /2013",
            "VL 0/2013",
            "VLXYZ 1/2013",
        ] {
            assert!(
                matches!(CaseNumber::parse(input), Err(IdError::Format { .. })),
                "{input}"
            );
        }
        assert_eq!(
            CaseNumber::parse("VL 190522").unwrap_err().to_string(),
            "case number VL 190522: must have the form REGISTER NUMBER/YEAR, e.g. VL 190522/2013"
        );
    }

    proptest! {
        #[test]
        fn display_round_trips(reg in "[A-Z][A-Za-z]{0,3}", n in 1u64..u64::MAX, y in 1991i32..2100) {
            let c = CaseNumber::new(&reg, n, y);
            prop_assert_eq!(CaseNumber::parse(&c.to_string()).unwrap(), c);
        }
    }
}
