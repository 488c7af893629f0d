//! AWS IAM login against a recording server on 127.0.0.1 that makes the checks Infisical's server
//! makes before it forwards the signed request to STS: the headers are base64 JSON with a SigV4
//! `Authorization` whose credential scope names a valid region and `sts`, the host is that
//! region's STS endpoint, the body is `GetCallerIdentity`; and, as STS would, that the signature
//! is the one these headers and this body give with the caller's secret key.

#![cfg(all(feature = "aws-iam", feature = "universal-auth", feature = "secrets"))]

mod support;

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use base64::Engine as _;
use infisical_client::types::ListSecretsRawV3Query;
use infisical_client::{AwsIamAuth, Client, Error, RetryPolicy};
use serde_json::Value;
use support::{Harness, Scripted};

const ACCESS_KEY: &str = "AKIDEXAMPLE1234";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzEBaSessionTok";

fn decode(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64 as the server decodes it")
}

/// `20250601T120000Z` as a time.
fn amz_date(text: &str) -> SystemTime {
    assert_eq!(text.len(), 16, "{text}");
    assert!(text.ends_with('Z') && text.as_bytes()[8] == b'T', "{text}");
    let n = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(4..6), n(6..8));
    // Days from the civil date (proleptic Gregorian), then seconds.
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86400 + n(9..11) * 3600 + n(11..13) * 60 + n(13..15);
    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap())
}

/// The signature STS would compute for these headers and body.
fn expected_signature(
    headers: &serde_json::Map<String, Value>,
    body: &[u8],
    region: &str,
) -> String {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let text = |name: &str| headers[name].as_str().unwrap().to_owned();
    let authorization = text("Authorization");
    let signed: Vec<String> = authorization
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .split(';')
        .map(str::to_owned)
        .collect();
    let credentials = Credentials::new(
        ACCESS_KEY,
        SECRET_KEY,
        Some(SESSION_TOKEN.to_owned()),
        None,
        "test",
    );
    let identity = credentials.into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(amz_date(&text("X-Amz-Date")))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    // The signed headers, as received, except those the signer adds itself.
    let received: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| {
            let lower = name.to_ascii_lowercase();
            signed.contains(&lower) && lower != "x-amz-date" && lower != "x-amz-security-token"
        })
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                value.as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let url = format!("https://{}/", text("Host"));
    let signable = SignableRequest::new(
        "POST",
        url.as_str(),
        received.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (_, signature) = sign(signable, &params).unwrap().into_parts();
    signature
}

#[tokio::test]
async fn aws_iam_auth_sends_a_get_caller_identity_request_signed_as_sts_expects() {
    let harness = Harness::start().await;
    let auth = AwsIamAuth::new("identity-aws")
        .region("eu-west-3")
        .credentials_provider(Credentials::new(
            ACCESS_KEY,
            SECRET_KEY,
            Some(SESSION_TOKEN.to_owned()),
            None,
            "test",
        ));
    let client = Client::builder()
        .base_url(&harness.base_url)
        .retry(RetryPolicy::none())
        .login(auth)
        .build()
        .unwrap();
    harness.script(Scripted::json(
        200,
        r#"{"accessToken":"tok-aws","expiresIn":3600,"accessTokenMaxTTL":86400,"tokenType":"Bearer"}"#,
    ));
    harness.script(Scripted::json(200, r#"{"secrets":[]}"#));
    client
        .secrets()
        .list_raw_v3(&ListSecretsRawV3Query::default())
        .await
        .unwrap();
    let recorded = harness.take_recorded();
    assert_eq!(recorded[0].path, "/api/v1/auth/aws-auth/login");
    let login: Value = serde_json::from_slice(&recorded[0].body).unwrap();
    assert_eq!(login["identityId"], "identity-aws");
    assert_eq!(login["iamHttpRequestMethod"], "POST");

    // The server's decoding: base64 body, base64 JSON object of headers.
    let body = decode(login["iamRequestBody"].as_str().unwrap());
    assert_eq!(body, b"Action=GetCallerIdentity&Version=2011-06-15");
    let headers: Value =
        serde_json::from_slice(&decode(login["iamRequestHeaders"].as_str().unwrap())).unwrap();
    let headers = headers.as_object().expect("a JSON object of headers");

    // The server's region check: from `Credential=<key>/<date>/<region>/sts/aws4_request`.
    let authorization = headers["Authorization"].as_str().unwrap();
    let rest = authorization
        .strip_prefix("AWS4-HMAC-SHA256 Credential=")
        .unwrap_or_else(|| panic!("not SigV4: {authorization}"));
    let (credential, rest) = rest.split_once(", SignedHeaders=").unwrap();
    let (signed_headers, signature) = rest.split_once(", Signature=").unwrap();
    let scope: Vec<&str> = credential.split('/').collect();
    let date = headers["X-Amz-Date"].as_str().unwrap();
    assert_eq!(
        scope,
        [ACCESS_KEY, &date[..8], "eu-west-3", "sts", "aws4_request"]
    );
    let region = scope[2];
    assert!(
        region.len() <= 20
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    );
    assert_eq!(headers["Host"], "sts.eu-west-3.amazonaws.com");
    assert_eq!(
        headers["Content-Type"],
        "application/x-www-form-urlencoded; charset=utf-8"
    );
    assert_eq!(headers["Content-Length"], body.len().to_string());
    assert_eq!(headers["X-Amz-Security-Token"], SESSION_TOKEN);
    let signed: Vec<&str> = signed_headers.split(';').collect();
    for needed in ["host", "x-amz-date", "x-amz-security-token"] {
        assert!(
            signed.contains(&needed),
            "{needed} not signed: {signed_headers}"
        );
    }
    assert_eq!(signature.len(), 64);
    assert!(
        signature
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    // What STS checks: the signature of these headers and this body with the secret key.
    assert_eq!(signature, expected_signature(headers, &body, region));

    // The secret key never leaves the client; the session token travels only in the header.
    let sent = String::from_utf8_lossy(&recorded[0].body);
    assert!(!sent.contains(SECRET_KEY));
    assert_eq!(
        recorded[1].headers.get("authorization").unwrap(),
        "Bearer tok-aws"
    );
}

#[tokio::test]
async fn aws_iam_auth_without_a_valid_region_fails_before_sending_anything() {
    let harness = Harness::start().await;
    let client = Client::builder()
        .base_url(&harness.base_url)
        .login(
            AwsIamAuth::new("identity-aws")
                .region("Not A Region")
                .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "t")),
        )
        .build()
        .unwrap();
    let result = client
        .secrets()
        .list_raw_v3(&ListSecretsRawV3Query::default())
        .await;
    let Err(Error::Auth(error)) = result else {
        panic!("expected an auth error");
    };
    assert!(error.to_string().contains("not an AWS region"), "{error}");
    assert!(harness.take_recorded().is_empty());
}
