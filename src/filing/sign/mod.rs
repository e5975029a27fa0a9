//! Signing and verifying court documents: XML-DSig enveloped signatures with XAdES-BES signed
//! properties (RSA-SHA256, exclusive C14N), verification of the same and of older profiles
//! (inclusive C14N, C14N 1.1, RSA-SHA1, HMAC, enveloping), PKCS#12 keys, and a demo PKI.
//!
//! Canonicalization is `bergshamra-c14n` (never hand-rolled); digests and signatures are OpenSSL.
//! See `docs/design.md` §4 step 5 and `stack.md` §B.5.
//!
//! ```no_run
//! # use writ::filing::sign::*;
//! # fn demo(p12: &[u8], xml: &[u8], ca: openssl::x509::X509) -> Result<(), Box<dyn std::error::Error>> {
//! let signer = Signer::from_pkcs12(p12, "password")?;
//! let signed = signer.sign_enveloped(xml, chrono::Utc::now())?;
//! let opts = VerifyOptions::with_trusted_cas(vec![ca], None);
//! let verified = verify(&signed, &opts)?;
//! println!("signed by {:?} at {:?}", verified.signer_subject, verified.signing_time);
//! # Ok(()) }
//! ```

pub mod c14n;
pub mod dsig;
pub mod error;
pub mod keys;
pub mod pki;
pub mod verify;
pub mod xades;

#[cfg(test)]
mod tests;

pub use c14n::{C14nMode, canonicalize_document};
pub use dsig::{DSIG_NS, DigestAlgorithm, SignatureAlgorithm};
pub use error::{SignError, VerifyError};
pub use keys::{Signer, legacy_provider, name_to_string, password_from_env_or_file};
pub use pki::{
    CertifiedKey, DEMO_CA_CN, DEMO_FILER_CN, DEMO_ORG, DemoPki, create_ca, create_demo_pki,
    issue_cert,
};
pub use verify::{
    CheckedReference, KeySource, SignatureKind, VerifiedSignature, VerifyOptions, verify,
};
pub use xades::{SIGNED_PROPERTIES_TYPE, XADES_NS, issuer_serial_v2_der};
