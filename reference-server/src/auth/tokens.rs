//! Access and refresh tokens: HS256 JWTs. An access token names the user,
//! the organisation and the role; a refresh token is single-use (its id is
//! recorded and revoked when it is exchanged).

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ACCESS: &str = "access";
pub const REFRESH: &str = "refresh";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The organisation the token acts in.
    pub org: String,
    /// `access` or `refresh`.
    pub typ: String,
    /// Token id (refresh tokens: the row in `refresh_tokens`).
    pub jti: String,
    pub iat: u64,
    pub exp: u64,
}

/// Signs and checks tokens with one secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub access_seconds: u64,
    pub refresh_seconds: u64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys").finish_non_exhaustive()
    }
}

/// Why a token was refused (all answered 401).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TokenError {
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid")]
    Invalid,
    #[error("a {0} token cannot be used here")]
    WrongType(String),
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_seconds: u64, refresh_seconds: u64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            access_seconds,
            refresh_seconds,
        }
    }

    /// A signed token of type `typ` for `user` in `org`.
    pub fn issue(&self, typ: &str, user: &str, org: &str, jti: &str) -> (String, Claims) {
        let iat = now_secs();
        let ttl = if typ == REFRESH { self.refresh_seconds } else { self.access_seconds };
        let claims = Claims { sub: user.into(), org: org.into(), typ: typ.into(), jti: jti.into(), iat, exp: iat + ttl };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).unwrap_or_default();
        (token, claims)
    }

    /// The claims of a token of type `typ`, if its signature, expiry and
    /// type check out.
    pub fn verify(&self, token: &str, typ: &str) -> Result<Claims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = decode::<Claims>(token, &self.decoding, &validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
            _ => TokenError::Invalid,
        })?;
        if data.claims.typ != typ {
            return Err(TokenError::WrongType(data.claims.typ));
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_tampering_expiry_and_type() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 60, 3600);
        let (token, claims) = keys.issue(ACCESS, "u1", "o1", "j1");
        assert_eq!(keys.verify(&token, ACCESS).unwrap(), claims);
        assert_eq!(keys.verify(&token, REFRESH), Err(TokenError::WrongType("access".into())));
        // Another key's signature.
        let other = TokenKeys::new(b"ffffffffffffffffffffffffffffffff", 60, 3600);
        assert_eq!(other.verify(&token, ACCESS), Err(TokenError::Invalid));
        // A changed payload.
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = parts[1].chars().rev().collect();
        assert_eq!(keys.verify(&parts.join("."), ACCESS), Err(TokenError::Invalid));
        // Expired.
        let past = Claims { sub: "u".into(), org: "o".into(), typ: ACCESS.into(), jti: "j".into(), iat: 1, exp: 2 };
        let old = encode(&Header::new(Algorithm::HS256), &past, &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef")).unwrap();
        assert_eq!(keys.verify(&old, ACCESS), Err(TokenError::Expired));
        // "none" algorithm.
        assert_eq!(keys.verify("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.", ACCESS), Err(TokenError::Invalid));
    }
}
