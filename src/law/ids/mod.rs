//! Identifiers, parsed once into types that can only hold valid values ("parse, don't validate").
//!
//! Every type has `parse(&str) -> Result<Self, IdError>`, `as_str()` and `Display` giving the
//! normalised (electronic) form, and serialises as that string. Test vectors: shared
//! `corpus/identifiers.md`; algorithms: domain-si.md §1.5 and §7.2.

mod case_number;
mod emso;
mod iban;
mod maticna;
mod reference;
mod tax_number;

pub use case_number::CaseNumber;
pub use emso::{Emso, Gender};
pub use iban::Iban;
pub use maticna::RegistrationNumber;
pub use reference::{RfReference, SiReference};
pub use tax_number::TaxNumber;

use std::fmt;

/// Which identifier an [`IdError`] is about; its `Display` is the clerk-facing name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// Davčna številka / ID za DDV.
    TaxNumber,
    /// EMŠO, the personal identification number.
    Emso,
    /// Matična številka, the business registration number.
    RegistrationNumber,
    /// IBAN.
    Iban,
    /// SI payment reference (sklic, model SIxx).
    SiReference,
    /// RF creditor reference (ISO 11649).
    RfReference,
    /// Court case number (opravilna številka), e.g. `VL 190522/2013`.
    CaseNumber,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::TaxNumber => "tax number",
            IdKind::Emso => "EMŠO",
            IdKind::RegistrationNumber => "registration number (matična)",
            IdKind::Iban => "IBAN",
            IdKind::SiReference => "SI reference",
            IdKind::RfReference => "RF reference",
            IdKind::CaseNumber => "case number",
        })
    }
}

/// Why an identifier was refused. `Display` is one sentence a clerk can act on, e.g.
/// `tax number 80223423: check digit should be 7, found 3`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Nothing but blanks was given.
    #[error("{kind}: nothing was entered")]
    Empty {
        /// Which identifier.
        kind: IdKind,
    },
    /// Wrong number of characters.
    #[error("{kind} {input}: should be {expected}, found {found} characters")]
    Length {
        /// Which identifier.
        kind: IdKind,
        /// The input as given (trimmed).
        input: String,
        /// What was expected, e.g. "8 digits".
        expected: &'static str,
        /// Characters found after removing spaces and prefixes.
        found: usize,
    },
    /// Wrong characters or structure.
    #[error("{kind} {input}: {problem}")]
    Format {
        /// Which identifier.
        kind: IdKind,
        /// The input as given (trimmed).
        input: String,
        /// What is wrong, as a sentence fragment.
        problem: String,
    },
    /// A check digit (or pair of check digits) does not match.
    #[error("{kind} {input}: {what} should be {expected}, found {found}")]
    Checksum {
        /// Which identifier.
        kind: IdKind,
        /// The input as given (trimmed).
        input: String,
        /// Which check, e.g. "check digit" or "check digit of part P1".
        what: String,
        /// The computed value.
        expected: String,
        /// The value in the input.
        found: String,
    },
    /// The payload admits no check digit at all (e.g. tax number with k = 11), so no such number
    /// is ever issued.
    #[error(
        "{kind} {input}: no check digit is possible for these digits, so no such number is issued"
    )]
    NoCheckDigit {
        /// Which identifier.
        kind: IdKind,
        /// The input as given (trimmed).
        input: String,
    },
    /// An embedded date does not exist.
    #[error("{kind} {input}: {problem}")]
    Date {
        /// Which identifier.
        kind: IdKind,
        /// The input as given (trimmed).
        input: String,
        /// What is wrong with the date.
        problem: String,
    },
    /// An SI reference model that is not in the model table (domain-si.md §7.2).
    #[error("{kind} {input}: model SI{model} is not a known reference model")]
    UnknownModel {
        /// Which identifier.
        kind: IdKind,
        /// The input as given (trimmed).
        input: String,
        /// The two model digits.
        model: String,
    },
}

impl IdError {
    /// Which identifier the error is about.
    pub fn kind(&self) -> IdKind {
        match self {
            IdError::Empty { kind }
            | IdError::Length { kind, .. }
            | IdError::Format { kind, .. }
            | IdError::Checksum { kind, .. }
            | IdError::NoCheckDigit { kind, .. }
            | IdError::Date { kind, .. }
            | IdError::UnknownModel { kind, .. } => *kind,
        }
    }

    pub(crate) fn format(kind: IdKind, input: &str, problem: impl Into<String>) -> Self {
        IdError::Format {
            kind,
            input: input.to_string(),
            problem: problem.into(),
        }
    }

    pub(crate) fn checksum(
        kind: IdKind,
        input: &str,
        what: impl Into<String>,
        expected: impl ToString,
        found: impl ToString,
    ) -> Self {
        IdError::Checksum {
            kind,
            input: input.to_string(),
            what: what.into(),
            expected: expected.to_string(),
            found: found.to_string(),
        }
    }
}

/// Trims the input and refuses an empty one.
fn trimmed(kind: IdKind, input: &str) -> Result<&str, IdError> {
    let t = input.trim();
    if t.is_empty() {
        Err(IdError::Empty { kind })
    } else {
        Ok(t)
    }
}

/// Removes all whitespace (including non-breaking spaces).
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Numeric value of an ASCII digit (caller guarantees it is one).
fn digit(b: u8) -> u32 {
    u32::from(b - b'0')
}

/// Remainder modulo 97 of a string of digits and letters, letters as A=10 … Z=35 (ISO 13616 /
/// ISO 11649 / ISO 7064 MOD 97-10). The caller guarantees ASCII alphanumerics.
fn mod97(s: &str) -> u32 {
    let mut r: u32 = 0;
    for c in s.bytes() {
        if c.is_ascii_digit() {
            r = (r * 10 + digit(c)) % 97;
        } else {
            let v = u32::from(c.to_ascii_uppercase() - b'A') + 10;
            r = (r * 100 + v) % 97;
        }
    }
    r
}

/// Implements `Display`, `FromStr`, `AsRef<str>`, `Serialize` and `Deserialize` (as the
/// normalised string) for an identifier type with `parse` and `as_str`.
macro_rules! string_id {
    ($t:ty) => {
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for $t {
            type Err = $crate::law::ids::IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $t {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_id;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// No parser panics on any input (multi-byte characters included); errors name the kind.
        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}", t in "[SIRFVL0-9 A-Z_\\-/ČŽÄ]{0,30}") {
            for input in [s.as_str(), t.as_str()] {
                if let Err(e) = TaxNumber::parse(input) { prop_assert_eq!(e.kind(), IdKind::TaxNumber); }
                let _ = Emso::parse(input);
                let _ = RegistrationNumber::parse(input);
                let _ = Iban::parse(input);
                let _ = SiReference::parse(input);
                let _ = RfReference::parse(input);
                let _ = CaseNumber::parse(input);
            }
        }
    }

    #[test]
    fn mod97_matches_iso_examples() {
        // ISO 13616 example: GB82 WEST 1234 5698 7654 32 rearranged.
        assert_eq!(mod97("WEST12345698765432GB82"), 1);
        assert_eq!(mod97("539007547034RF18"), 1);
    }

    #[test]
    fn error_kind_is_exposed() {
        let e = TaxNumber::parse("1234567").unwrap_err();
        assert_eq!(e.kind(), IdKind::TaxNumber);
    }

    #[test]
    fn ids_round_trip_through_serde() {
        let t = TaxNumber::parse("SI 5022 3054").unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"50223054\"");
        let back: TaxNumber = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert!(serde_json::from_str::<TaxNumber>("\"50223055\"").is_err());
        let i: Iban = serde_json::from_str("\"SI56 1910 0000 0123 438\"").unwrap();
        assert_eq!(i.as_str(), "SI56191000000123438");
    }
}
