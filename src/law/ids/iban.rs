//! IBAN (ISO 13616), with the Slovenian national check.

use super::{IdError, IdKind, compact, mod97, string_id, trimmed};

const KIND: IdKind = IdKind::Iban;

/// IBAN lengths by country (SWIFT IBAN registry): the EU/EEA and neighbours. Other countries are
/// accepted with the generic ISO 13616 rules (15–34 characters, mod 97 = 1).
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AL", 28),
    ("AT", 20),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("ME", 22),
    ("MK", 19),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("RS", 22),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
    ("XK", 20),
];

/// An IBAN in electronic form (no spaces, upper case).
///
/// Accepts spaces, lower case, a leading `IBAN` or `SI_IBAN` label (`SI_IBAN SI56 …`, as some
/// exports write it), and a bare 15-digit Slovenian account number (BBAN, also with the
/// traditional hyphen `19100-0000123438`), which becomes `SI56` + BBAN once its national check
/// digits are right. For `SI` the BBAN's last two digits are the national check (ISO 7064
/// MOD 97-10 over the 15 digits, iban4j `SiNationalCheckDigit`), which forces the IBAN check
/// digits to be `56`; an SI IBAN that passes mod 97 but fails the national check (e.g.
/// `SI29191000000123439`) is refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iban(String);

impl Iban {
    /// Parses and checks an IBAN or a bare Slovenian BBAN.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let t = trimmed(KIND, input)?;
        let upper = t.to_uppercase();
        let unlabelled = ["SI_IBAN", "IBAN"]
            .iter()
            .find_map(|l| upper.strip_prefix(l))
            .map(|r| r.trim_start_matches([':', ' ']))
            .unwrap_or(&upper);
        let s = compact(unlabelled);
        let bare: String = s.chars().filter(|&c| c != '-').collect();
        if bare.len() == 15 && bare.bytes().all(|b| b.is_ascii_digit()) {
            check_si_national(t, &bare)?;
            return Ok(Iban(format!("SI56{bare}")));
        }
        if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(IdError::format(
                KIND,
                t,
                "may contain only letters and digits",
            ));
        }
        let b = s.as_bytes();
        if s.len() < 4
            || !b[..2].iter().all(u8::is_ascii_uppercase)
            || !b[2..4].iter().all(u8::is_ascii_digit)
        {
            return Err(IdError::format(
                KIND,
                t,
                "must start with a 2-letter country code and 2 check digits",
            ));
        }
        let country = &s[..2];
        match LENGTHS.iter().find(|(c, _)| *c == country) {
            Some(&(_, len)) if s.len() != len => {
                return Err(IdError::Length {
                    kind: KIND,
                    input: t.into(),
                    expected: length_text(country),
                    found: s.len(),
                });
            }
            None if !(15..=34).contains(&s.len()) => {
                return Err(IdError::Length {
                    kind: KIND,
                    input: t.into(),
                    expected: "15 to 34 characters",
                    found: s.len(),
                });
            }
            _ => {}
        }
        let rearranged = format!("{}{}", &s[4..], &s[..4]);
        if mod97(&rearranged) != 1 {
            let expected = 98 - mod97(&format!("{}{}00", &s[4..], country));
            return Err(IdError::checksum(
                KIND,
                t,
                "IBAN check digits",
                format!("{expected:02}"),
                &s[2..4],
            ));
        }
        if country == "SI" {
            if !s[4..].bytes().all(|b| b.is_ascii_digit()) {
                return Err(IdError::format(
                    KIND,
                    t,
                    "a Slovenian account number has only digits",
                ));
            }
            check_si_national(t, &s[4..])?;
        }
        Ok(Iban(s))
    }

    /// Builds the IBAN for a country and BBAN, computing the ISO 13616 check digits (and checking
    /// the result as [`Iban::parse`] does).
    pub fn from_bban(country: &str, bban: &str) -> Result<Self, IdError> {
        let c = country.to_ascii_uppercase();
        let b = bban.to_ascii_uppercase();
        if c.len() != 2
            || !c.bytes().all(|x| x.is_ascii_uppercase())
            || !b.bytes().all(|x| x.is_ascii_alphanumeric())
        {
            return Err(IdError::format(
                KIND,
                &format!("{c}{b}"),
                "needs a 2-letter country code and a letters-and-digits account",
            ));
        }
        let check = 98 - mod97(&format!("{b}{c}00"));
        Self::parse(&format!("{c}{check:02}{b}"))
    }

    /// Electronic form, e.g. `SI56191000000123438`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Paper form in groups of four, e.g. `SI56 1910 0000 0123 438`.
    pub fn formatted(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// ISO country code.
    pub fn country(&self) -> &str {
        &self.0[..2]
    }

    /// The two IBAN check digits.
    pub fn check_digits(&self) -> &str {
        &self.0[2..4]
    }

    /// The national account number (BBAN).
    pub fn bban(&self) -> &str {
        &self.0[4..]
    }

    /// For a Slovenian IBAN: the 5-digit bank code (e.g. `19100`).
    pub fn si_bank_code(&self) -> Option<&str> {
        (self.country() == "SI").then(|| &self.0[4..9])
    }

    /// For a Slovenian IBAN: the 10-digit account part after the bank code.
    pub fn si_account(&self) -> Option<&str> {
        (self.country() == "SI").then(|| &self.0[9..])
    }
}

fn length_text(country: &str) -> &'static str {
    match country {
        "SI" => "19 characters (SI56 + 15 digits)",
        _ => "the length fixed for that country",
    }
}

/// ISO 7064 MOD 97-10 over the 15-digit Slovenian BBAN: the whole number mod 97 must be 1.
fn check_si_national(input: &str, bban: &str) -> Result<(), IdError> {
    if mod97(bban) == 1 {
        return Ok(());
    }
    let expected = 98 - mod97(&format!("{}00", &bban[..13]));
    Err(IdError::checksum(
        KIND,
        input,
        "the account's national check digits",
        format!("{expected:02}"),
        &bban[13..],
    ))
}

string_id!(Iban);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid_vectors() {
        let i = Iban::parse("SI56 1910 0000 0123 438").unwrap();
        assert_eq!(i.as_str(), "SI56191000000123438");
        assert_eq!(i.si_bank_code(), Some("19100"));
        assert_eq!(i.si_account(), Some("0000123438"));
        assert_eq!(i.formatted(), "SI56 1910 0000 0123 438");
        for input in [
            "SI56191000000123438",
            "SI56610000003603509",
            "SI56 6000 0000 0997 522",
        ] {
            assert!(Iban::parse(input).is_ok(), "{input}");
        }
    }

    #[test]
    fn labels_and_bare_bban() {
        assert_eq!(
            Iban::parse("SI_IBAN SI56 1910 0000 0123 438")
                .unwrap()
                .as_str(),
            "SI56191000000123438"
        );
        assert_eq!(
            Iban::parse("IBAN: si56191000000123438").unwrap().as_str(),
            "SI56191000000123438"
        );
        assert_eq!(
            Iban::parse("191000000123438").unwrap().as_str(),
            "SI56191000000123438"
        );
        assert_eq!(
            Iban::parse("19100-0000123438").unwrap().as_str(),
            "SI56191000000123438"
        );
        assert_eq!(
            Iban::parse("191000000123439").unwrap_err().to_string(),
            "IBAN 191000000123439: the account's national check digits should be 38, found 39"
        );
    }

    #[test]
    fn invalid_vectors() {
        for input in [
            "SI56191000000123439",
            "SI57191000000123438",
            "SI56111122223333456",
            "SI56111122223333444",
            "DK1212341234123412",
        ] {
            assert!(
                matches!(Iban::parse(input), Err(IdError::Checksum { .. })),
                "{input}"
            );
        }
        assert!(matches!(
            Iban::parse("SI5619100000012343"),
            Err(IdError::Length { found: 18, .. })
        ));
        // Passes ISO 13616 mod 97 but fails the SI national check and is not SI56.
        let e = Iban::parse("SI29191000000123439").unwrap_err();
        assert!(
            matches!(&e, IdError::Checksum { what, .. } if what.contains("national")),
            "{e}"
        );
        assert_eq!(
            Iban::parse("SI57191000000123438").unwrap_err().to_string(),
            "IBAN SI57191000000123438: IBAN check digits should be 56, found 57"
        );
    }

    #[test]
    fn other_countries() {
        assert_eq!(
            Iban::parse("DE89 3704 0044 0532 0130 00")
                .unwrap()
                .country(),
            "DE"
        );
        assert_eq!(
            Iban::parse("GB82 WEST 1234 5698 7654 32").unwrap().bban(),
            "WEST12345698765432"
        );
        assert!(matches!(
            Iban::parse("DE89 3704 0044 0532 0130 0"),
            Err(IdError::Length { .. })
        ));
        assert!(matches!(
            Iban::parse("SI56 1910 0000 0123 43Ä"),
            Err(IdError::Format { .. })
        ));
    }

    proptest! {
        #[test]
        fn si_ibans_from_payload(p in 0u64..10_000_000_000_000) {
            let first13 = format!("{p:013}");
            let nat = 98 - mod97(&format!("{first13}00"));
            let bban = format!("{first13}{nat:02}");
            let iban = Iban::from_bban("SI", &bban).unwrap();
            prop_assert_eq!(iban.check_digits(), "56");
            prop_assert_eq!(Iban::parse(&iban.formatted()).unwrap(), iban.clone());
            // Mod 97 catches every single-digit substitution.
            for pos in 2..19 {
                for d in 0..10u8 {
                    let mut b = iban.as_str().as_bytes().to_vec();
                    if b[pos] == b'0' + d { continue; }
                    b[pos] = b'0' + d;
                    let m = String::from_utf8(b).unwrap();
                    prop_assert!(Iban::parse(&m).is_err(), "{} accepted", m);
                }
            }
        }

        #[test]
        fn generic_ibans(bban in "[0-9A-Z]{18}") {
            let iban = Iban::from_bban("DE", &bban);
            // DE needs 22 characters = 18 after country and check digits.
            prop_assert!(iban.is_ok());
        }
    }
}
