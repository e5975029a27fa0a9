//! Payment references: Slovenian `SIxx` models and the international RF creditor reference.

use super::{IdError, IdKind, compact, digit, mod97, string_id, trimmed};

/// How the parts of an SI model are checked: each entry is one group of consecutive parts
/// covered by one mod-11 check digit appended to the group's last part.
#[derive(Debug, Clone, Copy)]
struct Model {
    number: u8,
    /// Number of parts P1..Pn in the model's structure.
    parts: usize,
    /// Check groups as (first part, last part), 1-based, inclusive.
    checks: &'static [(usize, usize)],
}

const P1: &[(usize, usize)] = &[(1, 1)];
const P1_P2: &[(usize, usize)] = &[(1, 1), (2, 2)];

/// The SI model table of domain-si.md §7.2 (ZBS "Pravila za oblikovanje in uporabo
/// standardiziranih referenc", as copied by navodila.mit-ing.si). Whether every model is still
/// valid under ZBS rules v1.4 (November 2023) is not known.
const MODELS: &[Model] = &[
    Model {
        number: 0,
        parts: 3,
        checks: &[],
    },
    Model {
        number: 1,
        parts: 3,
        checks: &[(1, 3)],
    },
    Model {
        number: 2,
        parts: 3,
        checks: &[(2, 2), (3, 3)],
    },
    Model {
        number: 3,
        parts: 3,
        checks: &[(1, 1), (2, 2), (3, 3)],
    },
    Model {
        number: 4,
        parts: 3,
        checks: &[(1, 1), (3, 3)],
    },
    Model {
        number: 5,
        parts: 3,
        checks: P1,
    },
    Model {
        number: 6,
        parts: 3,
        checks: &[(2, 3)],
    },
    Model {
        number: 7,
        parts: 3,
        checks: &[(2, 2)],
    },
    Model {
        number: 8,
        parts: 3,
        checks: &[(1, 2), (3, 3)],
    },
    Model {
        number: 9,
        parts: 3,
        checks: &[(1, 2)],
    },
    Model {
        number: 10,
        parts: 3,
        checks: &[(1, 1), (2, 3)],
    },
    Model {
        number: 11,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 12,
        parts: 1,
        checks: P1,
    },
    Model {
        number: 18,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 19,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 21,
        parts: 2,
        checks: P1_P2,
    },
    Model {
        number: 28,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 31,
        parts: 2,
        checks: P1_P2,
    },
    Model {
        number: 38,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 40,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 41,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 48,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 49,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 51,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 55,
        parts: 3,
        checks: P1,
    },
    Model {
        number: 58,
        parts: 3,
        checks: P1_P2,
    },
    Model {
        number: 99,
        parts: 0,
        checks: &[],
    },
];

/// The SI mod-11 check digit over a string of digits: weights 2, 3, 4, … from the rightmost
/// digit, K = 11 − (sum mod 11), K = 10 or 11 → 0. Leading zeros do not change it. Public
/// implementations stop at 12 digits (weights 2–13); longer groups here simply continue the
/// weights (14, 15, …) — unconfirmed against the ZBS rules for groups over 12 digits.
pub(crate) fn si_mod11(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .zip(2u32..)
        .map(|(b, w)| digit(b) * w)
        .sum();
    match 11 - sum % 11 {
        10 | 11 => 0,
        k => k,
    }
}

/// A Slovenian structured payment reference (referenca SI / sklic): `SI` + 2-digit model + up
/// to 22 characters of digits and at most 2 hyphens separating the parts P1, P2, P3.
///
/// Each model's parts and check digits follow the table in domain-si.md §7.2 (e.g. `SI12` =
/// `(P1)K`, `SI01` = `(P1-P2-P3)K`: one check digit over P1P2P3 appended to P3). Our reading of
/// part counts: every part up to the last one that carries a check digit must be present and
/// non-empty (so `SI01 252085` and `SI01 25-2085` are refused, as in Odoo's tests); trailing
/// parts without a check may be left out (`SI1912345678-40002` omits P3). Model 00 has no
/// check, model 99 has no content. Whitespace is ignored; the normalised form is the electronic
/// one (`SI0519-1235-84503`); leading zeros are kept as issued.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SiReference(String);

impl SiReference {
    /// Parses and checks an SI reference.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        const KIND: IdKind = IdKind::SiReference;
        let t = trimmed(KIND, input)?;
        let s = compact(t).to_uppercase();
        let Some(rest) = s.strip_prefix("SI") else {
            return Err(IdError::format(
                KIND,
                t,
                "must start with SI and a 2-digit model",
            ));
        };
        let (model_digits, content) = match rest.char_indices().nth(2) {
            Some((i, _)) => rest.split_at(i),
            None => (rest, ""),
        };
        if model_digits.len() != 2 || !model_digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::format(
                KIND,
                t,
                "must start with SI and a 2-digit model",
            ));
        }
        let number = model_digits.bytes().fold(0u8, |a, b| a * 10 + (b - b'0'));
        let model =
            MODELS
                .iter()
                .find(|m| m.number == number)
                .ok_or_else(|| IdError::UnknownModel {
                    kind: KIND,
                    input: t.into(),
                    model: model_digits.into(),
                })?;
        if !content.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return Err(IdError::format(
                KIND,
                t,
                "the reference may contain only digits and hyphens",
            ));
        }
        let hyphens = content.matches('-').count();
        if content.len() - hyphens > 20 || hyphens > 2 {
            return Err(IdError::format(
                KIND,
                t,
                "the reference after the model is at most 20 digits and 2 hyphens",
            ));
        }
        if model.parts == 0 {
            if !content.is_empty() {
                return Err(IdError::format(KIND, t, "model SI99 carries no reference"));
            }
            return Ok(SiReference(s));
        }
        let parts: Vec<&str> = content.split('-').collect();
        let required = model
            .checks
            .iter()
            .map(|&(_, last)| last)
            .max()
            .unwrap_or(1);
        if parts.iter().any(|p| p.is_empty()) || parts.len() < required || parts.len() > model.parts
        {
            let problem = if model.parts == required {
                format!(
                    "model SI{model_digits} needs {required} non-empty part(s) separated by hyphens"
                )
            } else {
                format!(
                    "model SI{model_digits} needs {required} to {} non-empty parts separated by hyphens",
                    model.parts
                )
            };
            return Err(IdError::format(KIND, t, problem));
        }
        for &(first, last) in model.checks {
            let group: String = parts[first - 1..last].concat();
            if group.len() < 2 {
                return Err(IdError::format(
                    KIND,
                    t,
                    format!("part P{last} is too short to carry a check digit"),
                ));
            }
            let (payload, k) = group.split_at(group.len() - 1);
            let expected = si_mod11(payload);
            let found = digit(k.as_bytes()[0]);
            if expected != found {
                let what = if first == last {
                    format!("check digit of part P{last}")
                } else {
                    format!("check digit of parts P{first}–P{last}")
                };
                return Err(IdError::checksum(KIND, t, what, expected, found));
            }
        }
        Ok(SiReference(s))
    }

    /// Builds an `SI12` reference `(P1)K` from the digits of P1.
    pub fn model12(p1: &str) -> Result<Self, IdError> {
        if p1.is_empty() || !p1.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::format(
                IdKind::SiReference,
                p1,
                "P1 must be digits",
            ));
        }
        Self::parse(&format!("SI12{p1}{}", si_mod11(p1)))
    }

    /// Electronic form, e.g. `SI0519-1235-84503`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Model number, e.g. 12.
    pub fn model(&self) -> u8 {
        self.0.as_bytes()[2..4]
            .iter()
            .fold(0, |a, b| a * 10 + (b - b'0'))
    }

    /// The reference without `SI` and model, e.g. `19-1235-84503`.
    pub fn content(&self) -> &str {
        &self.0[4..]
    }

    /// Model and content as printed on paper, e.g. `SI05 19-1235-84503`.
    pub fn formatted(&self) -> String {
        format!("{} {}", &self.0[..4], self.content())
    }
}

string_id!(SiReference);

/// An RF creditor reference (ISO 11649): `RF` + 2 check digits + 1–21 letters or digits; with
/// the first 4 characters moved to the end and letters mapped A=10…Z=35 the number mod 97 is 1.
///
/// Case: lower case is accepted and normalised to upper case (as python-stdnum does); ISO
/// 11649's electronic form is upper case, and a payer's bank compares upper-case strings, so
/// nothing is lost. Spaces are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RfReference(String);

impl RfReference {
    /// Parses and checks an RF reference.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        const KIND: IdKind = IdKind::RfReference;
        let t = trimmed(KIND, input)?;
        let s = compact(t).to_uppercase();
        if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(IdError::format(
                KIND,
                t,
                "may contain only the letters A–Z and digits",
            ));
        }
        if !s.starts_with("RF") {
            return Err(IdError::format(
                KIND,
                t,
                "must start with RF and 2 check digits",
            ));
        }
        if !(5..=25).contains(&s.len()) {
            return Err(IdError::Length {
                kind: KIND,
                input: t.into(),
                expected: "5 to 25 characters",
                found: s.len(),
            });
        }
        if !s.as_bytes()[2..4].iter().all(u8::is_ascii_digit) {
            return Err(IdError::format(
                KIND,
                t,
                "must start with RF and 2 check digits",
            ));
        }
        if mod97(&format!("{}{}", &s[4..], &s[..4])) != 1 {
            let expected = 98 - mod97(&format!("{}RF00", &s[4..]));
            return Err(IdError::checksum(
                KIND,
                t,
                "check digits",
                format!("{expected:02}"),
                &s[2..4],
            ));
        }
        Ok(RfReference(s))
    }

    /// Builds an RF reference for a creditor's own reference (1–21 letters or digits).
    pub fn complete(payload: &str) -> Result<Self, IdError> {
        let p = payload.to_ascii_uppercase();
        if p.is_empty() || p.len() > 21 || !p.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(IdError::format(
                IdKind::RfReference,
                payload,
                "the reference must be 1 to 21 letters or digits",
            ));
        }
        let check = 98 - mod97(&format!("{p}RF00"));
        Self::parse(&format!("RF{check:02}{p}"))
    }

    /// Electronic form, e.g. `RF18539007547034`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Paper form in groups of four, e.g. `RF18 5390 0754 7034`.
    pub fn formatted(&self) -> String {
        let b: Vec<char> = self.0.chars().collect();
        b.chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

string_id!(RfReference);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn si01_vectors() {
        for input in [
            "SI01 25-20-85",
            "  SI01 25  - 2 0-85  ",
            "SI01 19-1235-84505",
        ] {
            assert!(SiReference::parse(input).is_ok(), "{input}");
        }
        assert_eq!(
            SiReference::parse("  SI01 25  - 2 0-85  ")
                .unwrap()
                .as_str(),
            "SI0125-20-85"
        );
        for input in ["SI01 25-20-84", "SI01 19-1235-84504"] {
            assert!(
                matches!(SiReference::parse(input), Err(IdError::Checksum { .. })),
                "{input}"
            );
        }
        // Model 02 = P1-(P2)K-(P3)K: "20" and "85" fail their checks, so not valid as given.
        assert!(SiReference::parse("SI02 25-20-85").is_err());
        assert!(matches!(
            SiReference::parse("0519123584503"),
            Err(IdError::Format { .. })
        ));
        for input in [
            "SI01 252085",
            "SI01 25-2085",
            "SI01 25--20-85",
            "SI01 ab-cd-ef",
            "SI01 25-20-",
            "SI01",
        ] {
            assert!(
                matches!(SiReference::parse(input), Err(IdError::Format { .. })),
                "{input}"
            );
        }
    }

    #[test]
    fn official_example_and_forum_example() {
        let r = SiReference::parse("SI05 19-1235-84503").unwrap();
        assert_eq!(r.as_str(), "SI0519-1235-84503");
        assert_eq!(r.formatted(), "SI05 19-1235-84503");
        assert_eq!(r.model(), 5);
        assert_eq!(si_mod11("5678"), 2);
    }

    #[test]
    fn si12_vectors() {
        for input in [
            "SI12 56782",
            "SI12 123455",
            "SI12 20240001230",
            "SI12 3838173929",
            "SI12 60",
            "SI12 140",
        ] {
            assert!(SiReference::parse(input).is_ok(), "{input}");
        }
        assert_eq!(
            SiReference::parse("SI12 3838173927")
                .unwrap_err()
                .to_string(),
            "SI reference SI12 3838173927: check digit of part P1 should be 9, found 7"
        );
        // Leading zeros do not change the check: both forms are accepted and kept as issued.
        assert_eq!(
            SiReference::parse("SI12 000000056782").unwrap().content(),
            "000000056782"
        );
        assert_eq!(SiReference::model12("5678").unwrap().as_str(), "SI1256782");
        // Not ISO 11649: "12" is the model, not check digits.
        assert!(SiReference::parse("SI12 5678").is_err());
    }

    #[test]
    fn model19_reports_the_failing_part() {
        assert_eq!(
            SiReference::parse("SI1912345678-40002")
                .unwrap_err()
                .to_string(),
            "SI reference SI1912345678-40002: check digit of part P1 should be 9, found 8"
        );
        assert!(SiReference::parse("SI1912345679-40002").is_ok());
    }

    #[test]
    fn model00_99_and_unknown() {
        assert!(SiReference::parse("SI00 123-456-789").is_ok());
        assert!(SiReference::parse("SI00 12345678901234567890").is_ok());
        assert!(SiReference::parse("SI00 123456789012345678901").is_err());
        assert!(SiReference::parse("SI00 1-2-3-4").is_err());
        assert!(SiReference::parse("SI99").is_ok());
        assert!(SiReference::parse("SI99 123").is_err());
        assert_eq!(
            SiReference::parse("SI13 1234").unwrap_err().to_string(),
            "SI reference SI13 1234: model SI13 is not a known reference model"
        );
        assert!(SiReference::parse("SIŽŽ").is_err());
    }

    const RF_GENERATED: &str = "RF03SW3EZRUFBK RF20QQHM7PAW61EOWO RF206KCJWVH20 RF97XX5ZIC RF66A4E7BF6OI8F23P9 \
        RF888F7P5VQ8TOFTY3LZ RF41778UFIFX6LGFHAX RF8676YM2Q3UWC9 RF056TXFK RF800PAG6O89TAU8M5H RF20AN1IJBLFGA \
        RF23EF4UHBVNPLHKG3HZ9SGGT RF79KDFLO48OJW9TSCUP7L RF72YW RF14GE30YOI8 RF95SVO25ZY0J RF38W1PAA2QLIPIQVMAYLOH \
        RF80A0CPH RF15O27ZC6D86DZGO RF30VXZSLA8 RF87PBDPC22JTUPL98AYLOCK RF14QS8OSM0SGZJHDAJI2S1 RF724P \
        RF0717UP2X0DO9UF6JGIPG8 RF42J8H8Y0VB5MXP1T24RHM3 RF70JNR RF949BJ0SHL5OELQ0M16 RF75TR2ACY3PGL \
        RF0891RPECRY4EKAIWQK4UZUP RF95079AYKHK4C6D8SF RF63RPP1PYBH4K RF28JGS RF80I4 RF55IJ37T88JU5D0XUR6Z3N RF08P \
        RF315S3SM4CXHLHPCCJULF36 RF25GKZ943I RF10XHXROQ2ZS1 RF032KW3MG RF03Z55N RF93SYT6JCX9BF8STKZTF RF910KN \
        RF4480GWBS4ON16IRYL7T5VN2 RF02YFL1INOWMIYT2AN RF23PCSFK51V1XJALP RF37K91OEQE0FMBZSBN RF96QP1V07AYT \
        RF2939KX5US7LX3PAN1BNWC0H RF02RLPTC78WPBRBZFWSU RF85QEZRRD82 RF529 RF813OATFTW RF02MT56MM6RK3NSA88RKVK \
        RF81WGYFUZZ0TWXHQK RF21FYKWJSLDSEV5P8XGPE2 RF75B2UCA8B3KLEP4PNTJA RF401ETPTNN0E83ASNVVNPWU RF11JB \
        RF48T7F6BF5F4H9F9JG RF68C RF53AVDW8QM7M6A62 RF382LJGQV501HHZQ6ZS1 RF097 RF73XJXLAL RF95B RF57G \
        RF25282M4CZ5GHSGY3G85G RF498F8Q7S17 RF701XP4QUW0YV62EI5DQ RF16V1A2WFZ6U8RMNVLE RF78DB1FAB \
        RF7522DRITKFXLL97L45F RF11A8Z RF04X2OY4TYLNF RF607WBLIGJT8FLEPYJ RF07YDRKBYAAJTZ9IEMA RF186L \
        RF409UF6078QP RF82K6F RF28AGC RF57G RF1492GE4TE5I7 RF12EMD86TLG46QZT9Z0WA3I RF056PZYKELS9JY35QWH11 \
        RF288UQN77O6QWX5565 RF12Z7WS5GR9S4 RF17B6V83RKUJCKYSIV RF489L8GK4 RF41FWLX RF98FIKGWHA2AK04NMI RF86V26RQ3Z \
        RF72813 RF59OG39OS05B0RBMT RF67B3TIEBWV82 RF73UYAE6PKWKA7MMR62S0B RF92DIALM RF04J4 RF60OG76HU1XGBIHRU94K \
        RF22EM RF67J7L";

    #[test]
    fn rf_vectors() {
        for input in [
            "RF18 5390 0754 7034",
            " RF18539007547034",
            " RF18 5390 0754 7034 ",
            "RF18000000000539007547034",
            "RF38000000000000000000552",
        ] {
            assert!(RfReference::parse(input).is_ok(), "{input}");
        }
        assert_eq!(
            RfReference::parse("RF18 5390 0754 70Y").unwrap().as_str(),
            "RF185390075470Y"
        );
        assert_eq!(
            RfReference::parse("RF18539007547034").unwrap().formatted(),
            "RF18 5390 0754 7034"
        );
        let generated: Vec<&str> = RF_GENERATED.split_whitespace().collect();
        assert_eq!(generated.len(), 100);
        for input in generated {
            assert!(RfReference::parse(input).is_ok(), "{input}");
        }
        for input in [
            "RF17 5390 0754 7034",
            "RF17539007547034",
            "RF2953900754240831094548",
        ] {
            assert!(
                matches!(RfReference::parse(input), Err(IdError::Checksum { .. })),
                "{input}"
            );
        }
        assert!(matches!(
            RfReference::parse("18539007547034RF"),
            Err(IdError::Format { .. })
        ));
        assert!(matches!(
            RfReference::parse("RF45123451234Ä"),
            Err(IdError::Format { .. })
        ));
        // Decision: lower case is normalised to upper case.
        assert_eq!(
            RfReference::parse("rf18539007547034").unwrap().as_str(),
            "RF18539007547034"
        );
        assert_eq!(
            RfReference::parse("RF17539007547034")
                .unwrap_err()
                .to_string(),
            "RF reference RF17539007547034: check digits should be 18, found 17"
        );
        assert!(matches!(
            RfReference::parse("RF1"),
            Err(IdError::Length { .. })
        ));
    }

    proptest! {
        #[test]
        fn model12_from_payload(p in "[0-9]{1,19}") {
            let r = SiReference::model12(&p).unwrap();
            prop_assert_eq!(SiReference::parse(&r.formatted()).unwrap(), r.clone());
            // Leading zeros do not change the check digit.
            let padded = SiReference::parse(&format!("SI12{}{}", "0".repeat(20 - p.len() - 1), r.content())).unwrap();
            prop_assert_eq!(&padded.content()[padded.content().len() - 1..], &r.content()[r.content().len() - 1..]);
            // Weights 2..=10 are non-zero mod 11, so a single-digit change within the
            // last 9 payload digits or in K is caught unless K was the ambiguous 0 (K = 10 and 11 share it).
            let c = r.content().as_bytes().to_vec();
            if c[c.len() - 1] != b'0' {
                let n = c.len();
                for pos in n.saturating_sub(10)..n {
                    for d in 0..10u8 {
                        let mut b = c.clone();
                        if b[pos] == b'0' + d { continue; }
                        b[pos] = b'0' + d;
                        let m = format!("SI12{}", String::from_utf8(b).unwrap());
                        prop_assert!(SiReference::parse(&m).is_err(), "{} accepted", m);
                    }
                }
            }
        }

        #[test]
        fn rf_from_payload(p in "[0-9A-Z]{1,21}") {
            let r = RfReference::complete(&p).unwrap();
            prop_assert_eq!(RfReference::parse(&r.formatted().to_lowercase()).unwrap(), r.clone());
            // Mod 97 catches every single-character substitution among digits.
            let b0 = r.as_str().as_bytes().to_vec();
            for pos in 2..b0.len() {
                if !b0[pos].is_ascii_digit() { continue; }
                for d in 0..10u8 {
                    let mut b = b0.clone();
                    if b[pos] == b'0' + d { continue; }
                    b[pos] = b'0' + d;
                    let m = String::from_utf8(b).unwrap();
                    prop_assert!(RfReference::parse(&m).is_err(), "{} accepted", m);
                }
            }
        }
    }
}
