//! The audit log is a hash chain: each entry stores the hash of the entry before it and its own
//! hash over its fields and that previous hash, so removing, reordering or editing an entry
//! breaks every hash after it. The hash is defined here, once, for writing and for verifying.

use sha2::{Digest, Sha256};

/// The hash that stands before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an entry that its hash covers, in their stored form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFields<'a> {
    pub seq: i64,
    /// UTC, `2024-03-09T06:03:00Z`.
    pub at: &'a str,
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    /// A stable code, e.g. `reveal_personal_data`, `user_create`.
    pub action: &'a str,
    /// The area the entry is about (for scoping who may read it).
    pub area: Option<i64>,
    /// What the entry is about, e.g. `household:S001` or `user:7`.
    pub subject: &'a str,
    /// JSON, or empty.
    pub before: &'a str,
    pub after: &'a str,
    pub prev_hash: &'a str,
}

fn lower_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

/// SHA-256 of the fields, each length-prefixed (so no two different entries serialise alike),
/// as lower-case hex.
pub fn entry_hash(f: &AuditFields<'_>) -> String {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    put("zhenxing-audit-v1");
    put(&f.seq.to_string());
    put(f.at);
    put(&f.actor_id.map(|i| i.to_string()).unwrap_or_default());
    put(f.actor);
    put(f.action);
    put(&f.area.map(|a| a.to_string()).unwrap_or_default());
    put(f.subject);
    put(f.before);
    put(f.after);
    put(f.prev_hash);
    lower_hex(&h.finalize())
}

/// SHA-256 of a secret (session id, API token) as lower-case hex: what the store keeps.
pub fn secret_hash(secret: &str) -> String {
    lower_hex(&Sha256::digest(secret.as_bytes()))
}

pub fn to_hex(bytes: &[u8]) -> String {
    lower_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(prev: &str) -> AuditFields<'_> {
        AuditFields {
            seq: 1,
            at: "2024-03-09T06:03:00Z",
            actor_id: Some(7),
            actor: "wang",
            action: "reveal_personal_data",
            area: Some(620102000000),
            subject: "household:S001",
            before: "",
            after: "{}",
            prev_hash: prev,
        }
    }

    #[test]
    fn every_field_counts() {
        let base = entry_hash(&fields(GENESIS));
        assert_eq!(base.len(), 64);
        assert_eq!(base, entry_hash(&fields(GENESIS)));
        let mut other = fields(GENESIS);
        other.subject = "household:S002";
        assert_ne!(base, entry_hash(&other));
        assert_ne!(base, entry_hash(&fields(&base)));
        // Moving text between fields changes the hash (length prefixes).
        let mut a = fields(GENESIS);
        a.before = "x";
        a.after = "";
        let mut b = fields(GENESIS);
        b.before = "";
        b.after = "x";
        assert_ne!(entry_hash(&a), entry_hash(&b));
        assert_eq!(
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
