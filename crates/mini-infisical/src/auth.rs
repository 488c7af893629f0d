//! The `universal_auth` group: universal-auth login, token renewal and token revocation.

use std::time::{Duration, SystemTime};

use infisical_server::types::{
    AccessTokenResponse, AccessTokenResponseTokenType, LoginAuthUniversalAuthV1Body,
    MessageResponse, RenewAuthTokenV1Body,
};
use infisical_server::{ApiError, BearerToken, Context, Reply, UniversalAuth};

use crate::MiniInfisical;
use crate::store::{self, Token};

impl UniversalAuth for MiniInfisical {
    async fn login_auth_universal_auth_v1(
        &self,
        _cx: &Context,
        _token: Option<BearerToken>,
        body: LoginAuthUniversalAuthV1Body,
    ) -> Result<Reply<AccessTokenResponse>, ApiError> {
        let mut store = self.store();
        let identity = store
            .identities
            .iter()
            .find(|i| i.client_id == body.client_id && i.client_secret == body.client_secret)
            .map(|i| i.id)
            .ok_or_else(|| ApiError::unauthorized("Invalid credentials"))?;
        let now = SystemTime::now();
        let access_token = store::new_token();
        store.tokens.insert(
            access_token.clone(),
            Token {
                identity,
                issued: now,
                expires: now + self.ttl,
            },
        );
        Ok(self.answer(access_token, self.ttl).into())
    }

    async fn renew_auth_token_v1(
        &self,
        _cx: &Context,
        _token: Option<BearerToken>,
        body: RenewAuthTokenV1Body,
    ) -> Result<Reply<AccessTokenResponse>, ApiError> {
        let mut store = self.store();
        let now = SystemTime::now();
        let Some(token) = store.tokens.get_mut(&body.access_token) else {
            return Err(ApiError::unauthorized("Invalid token"));
        };
        if token.expires <= now {
            return Err(ApiError::unauthorized("Token has expired"));
        }
        let limit = token.issued + self.max_ttl;
        if limit <= now {
            return Err(ApiError::unauthorized("Token has reached its maximum TTL"));
        }
        token.expires = (now + self.ttl).min(limit);
        let left = token.expires.duration_since(now).unwrap_or(Duration::ZERO);
        Ok(self.answer(body.access_token, left).into())
    }

    /// Revokes the access token in the body: from now on it is unknown, so every request with it
    /// (a renewal included) gets 401. Like Infisical, the token itself is the credential: the
    /// request needs no other authorization.
    async fn revoke_auth_token_v1(
        &self,
        _cx: &Context,
        _token: Option<BearerToken>,
        body: RenewAuthTokenV1Body,
    ) -> Result<Reply<MessageResponse>, ApiError> {
        let mut store = self.store();
        match store.tokens.remove(&body.access_token) {
            Some(_) => Ok(MessageResponse {
                message: "Successfully revoked access token".to_owned(),
            }
            .into()),
            None => Err(ApiError::unauthorized("Invalid token")),
        }
    }
}

impl MiniInfisical {
    fn answer(&self, access_token: String, expires_in: Duration) -> AccessTokenResponse {
        AccessTokenResponse {
            access_token,
            expires_in: i64::try_from(expires_in.as_secs()).unwrap_or(i64::MAX),
            access_token_max_ttl: i64::try_from(self.max_ttl.as_secs()).unwrap_or(i64::MAX),
            token_type: AccessTokenResponseTokenType::Bearer,
        }
    }
}
