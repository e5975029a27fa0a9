//! Identifiers in the court's canonical form, for filing. Import keeps values as written and lint
//! has verified them; the proposal then carries the form the court's automated checks expect:
//! tax number as 8 digits (no `SI` prefix), EMŠO as 13 digits, matična as 10 characters (head
//! office `000`), accounts as an IBAN without spaces (a bare Slovenian BBAN becomes `SI56…`).
//! A value that does not parse is left as written (lint has blocked such a claim already).

use crate::filing::model::{Claim, Party};
use crate::law::ids::{Emso, Iban, RegistrationNumber, TaxNumber};

fn tax(v: &mut Option<String>) {
    if let Some(t) = v.as_deref().and_then(|s| TaxNumber::parse(s).ok()) {
        *v = Some(t.as_str().to_string());
    }
}

fn maticna(v: &mut Option<String>) {
    if let Some(m) = v.as_deref().and_then(|s| RegistrationNumber::parse(s).ok()) {
        *v = Some(format!("{}{}", m.base(), m.unit().unwrap_or("000")));
    }
}

fn emso(v: &mut Option<String>) {
    if let Some(e) = v.as_deref().and_then(|s| Emso::parse(s).ok()) {
        *v = Some(e.as_str().to_string());
    }
}

fn iban(v: &mut String) {
    if let Ok(i) = Iban::parse(v) {
        *v = i.as_str().to_string();
    }
}

fn party(p: &mut Party) {
    tax(&mut p.tax_number);
    maticna(&mut p.registration_number);
    emso(&mut p.emso);
}

/// The claim with every verified identifier in canonical form.
pub fn for_filing(claim: &Claim) -> Claim {
    let mut c = claim.clone();
    party(&mut c.creditor.party);
    if let Some(i) = c.creditor.iban.as_mut() {
        iban(i);
    }
    if let Some(r) = c.creditor.representative.as_mut() {
        party(&mut r.party);
    }
    party(&mut c.debtor.party);
    for a in &mut c.debtor.means.bank_accounts {
        iban(&mut a.iban);
    }
    if let Some(b) = c.bailiff.as_mut() {
        party(b);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filing::model::*;

    #[test]
    fn canonical_forms() {
        let p = |tax: &str, mat: &str| Party {
            kind: PartyKind::Legal,
            first_name: String::new(),
            name: "X".into(),
            tax_number: Some(tax.into()),
            registration_number: Some(mat.into()),
            emso: None,
            birth_date: None,
            address: Address::default(),
        };
        let claim = Claim {
            external_ref: None,
            creditor: Creditor {
                party: p("SI 1234 5679", "2345676"),
                iban: Some("SI56 0510 0800 0123 473".into()),
                account_holder: "X".into(),
                representative: None,
            },
            debtor: Debtor {
                party: p("80223423", "6207428067"),
                means: Means {
                    bank_funds: true,
                    bank_accounts: vec![BankAccount {
                        iban: "191000000123438".into(),
                        bank_name: String::new(),
                    }],
                    movables: false,
                },
            },
            documents: vec![],
            costs: vec![],
            claim_court_fee: true,
            interest_on_costs: true,
            bailiff: None,
            commercial: true,
        };
        let n = for_filing(&claim);
        assert_eq!(n.creditor.party.tax_number.as_deref(), Some("12345679"));
        assert_eq!(
            n.creditor.party.registration_number.as_deref(),
            Some("2345676000")
        );
        assert_eq!(n.creditor.iban.as_deref(), Some("SI56051008000123473"));
        assert_eq!(n.debtor.means.bank_accounts[0].iban, "SI56191000000123438");
        // Invalid values stay as written.
        assert_eq!(n.debtor.party.tax_number.as_deref(), Some("80223423"));
        assert_eq!(
            n.debtor.party.registration_number.as_deref(),
            Some("6207428067")
        );
    }
}
