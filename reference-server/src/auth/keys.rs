//! Per-organisation API keys for machines: `rk_<key id>_<secret>`. Only the
//! secret's SHA-256 is stored; the full key is shown once, at creation.

use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{Caller, Role};
use crate::db::Db;
use crate::error::ApiError;

const PREFIX: &str = "rk_";

/// A presented key, split.
#[derive(Debug, Clone, PartialEq)]
pub struct PresentedKey {
    pub id: String,
    pub secret: String,
}

/// The id and secret of `token` if it has the shape of an API key.
pub fn parse(token: &str) -> Option<PresentedKey> {
    let rest = token.strip_prefix(PREFIX)?;
    let (id, secret) = rest.rsplit_once('_')?;
    (crate::db::is_id(id) && secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| PresentedKey { id: id.to_owned(), secret: secret.to_owned() })
}

/// A fresh secret and its stored digest.
pub fn generate(id: &str) -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let token = format!("{PREFIX}{id}_{secret}");
    (token, digest(&secret))
}

pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Equal-time comparison of two digests.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The caller behind a presented key, if the key exists, is not revoked
/// and its secret matches.
pub async fn authenticate(db: &Db, key: &PresentedKey) -> Result<Caller, ApiError> {
    let invalid = || ApiError::unauthorized("the API key is not valid");
    let stored = db.api_key(&key.id).await?.ok_or_else(invalid)?;
    if stored.revoked_at.is_some() || !same(&digest(&key.secret), &stored.secret_sha256) {
        return Err(invalid());
    }
    let role = Role::parse(&stored.role).ok_or_else(invalid)?;
    // Note the use at most once a minute: a write per request would
    // serialise every machine caller on SQLite.
    let stale = stored.last_used_at.is_none_or(|t| t < crate::db::now_ms() - 60_000);
    if stale {
        if let Err(e) = db.touch_api_key(&stored.id).await {
            tracing::warn!(error = %e, "could not record an API key's use");
        }
    }
    Ok(Caller { org_id: stored.org_id, user_id: None, api_key_id: Some(stored.id), role })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_parse_back_and_junk_does_not() {
        let id = crate::db::new_id();
        let (token, stored) = generate(&id);
        let key = parse(&token).unwrap();
        assert_eq!(key.id, id);
        assert!(same(&digest(&key.secret), &stored));
        assert!(parse("rk_nope_abc").is_none());
        assert!(parse("eyJhbGciOi.x.y").is_none());
        assert!(!same("ab", "abc"));
    }
}
