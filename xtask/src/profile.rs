//! The Infisical profile: everything the generic pipeline needs to know about Infisical's API and
//! the crates generated for it. The IR and codegen crates know none of this; xtask passes it in.

/// The conventions of Infisical's documents that the IR passes apply.
pub(crate) fn conventions() -> oas_ir::Conventions {
    oas_ir::Conventions {
        // Infisical declares `{statusCode: enum [N], message, error}` per status; merged, they are
        // one error body, which the client's `Error::Api` carries.
        error_body: Some(ERROR_BODY.to_owned()),
        // Query booleans are `enum ["true", "false"]` or `anyOf[boolean, string]`.
        query_flags: true,
    }
}

/// The name of the error body every operation shares.
pub(crate) const ERROR_BODY: &str = "ErrorBody";

/// The folders of the generated crates, relative to the project root.
pub(crate) const TYPES_CRATE: &str = "generated/infisical-types";
pub(crate) const CLIENT_CRATE: &str = "generated/infisical-client";
pub(crate) const SERVER_CRATE: &str = "generated/infisical-server";

/// The version of the three generated crates (they are released together). Bump it by the semver
/// change a regeneration implies, and the `version` of their entries in the workspace's
/// `[workspace.dependencies]` with it (cargo refuses a mismatch).
pub(crate) const CRATES_VERSION: &str = "0.1.0";

/// The crates.io metadata of one generated crate.
struct CrateMeta {
    dir: &'static str,
    name: &'static str,
    description: &'static str,
    keywords: &'static [&'static str],
    categories: &'static [&'static str],
}

const CRATES: [CrateMeta; 3] = [
    CrateMeta {
        dir: TYPES_CRATE,
        name: "infisical-types",
        description: "Serde types of the Infisical API (every request and response body and parameter \
                      set), generated from its OpenAPI document; shared by the client and the server",
        keywords: &["infisical", "secrets", "openapi", "serde", "api"],
        categories: &["api-bindings", "encoding"],
    },
    CrateMeta {
        dir: CLIENT_CRATE,
        name: "infisical-client",
        description: "Async, typed client of the whole Infisical API (universal auth, retries, \
                      redacted errors) on reqwest with rustls, generated from its OpenAPI document",
        keywords: &["infisical", "secrets", "openapi", "client", "api"],
        categories: &[
            "api-bindings",
            "web-programming::http-client",
            "authentication",
        ],
    },
    CrateMeta {
        dir: SERVER_CRATE,
        name: "infisical-server",
        description: "Axum traits and a validating router for every route of the Infisical API, \
                      generated from its OpenAPI document, to implement or mock an Infisical server",
        keywords: &["infisical", "secrets", "openapi", "server", "axum"],
        categories: &["api-bindings", "web-programming::http-server"],
    },
];

/// The `[package]` table of the generated crate in `dir` (what the manifest holds between its
/// `# BEGIN package` and `# END package` markers); `None` for a folder that is not one of them.
/// Edition, license, `rust-version` and readme are the workspace's; the crates are publishable.
pub(crate) fn package_table(dir: &str) -> Option<String> {
    let meta = CRATES.iter().find(|c| c.dir == dir)?;
    let list = |items: &[&str]| {
        let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
        format!("[{}]", quoted.join(", "))
    };
    Some(format!(
        "[package]\nname = {:?}\nversion = {CRATES_VERSION:?}\ndescription = {:?}\nkeywords = {}\n\
         categories = {}\nedition.workspace = true\nrust-version.workspace = true\n\
         license.workspace = true\nreadme.workspace = true\n",
        meta.name,
        meta.description,
        list(meta.keywords),
        list(meta.categories),
    ))
}

/// How emission is steered for Infisical's crates.
pub(crate) fn codegen_config() -> oas_codegen::Config {
    oas_codegen::Config {
        runtime: "::oas_runtime".to_owned(),
        // The same document in YAML or JSON gives byte-identical output, so the file name stays out.
        source: "the Infisical OpenAPI document pinned in `spec/pin.json`".to_owned(),
        types_path: "::infisical_types".to_owned(),
        sensitive_properties: SENSITIVE_PROPERTIES
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        error_body: Some(ERROR_BODY.to_owned()),
        client_extensions: client_extensions(),
    }
}

/// The renewal of machine-identity access tokens, which every login below uses.
const RENEW: &str = "POST /api/v1/auth/token/renew";

/// The hand-written login providers of the client (`generated/infisical-client/src/auth/`), each
/// declared when the document has its login and the renewal: (module, file, login operation).
/// `auth_token` holds what the others share (and token auth, which has no login).
const LOGINS: &[(&str, &str, Option<&str>)] = &[
    ("auth_token", "token.rs", None),
    (
        "auth_universal",
        "universal.rs",
        Some("POST /api/v1/auth/universal-auth/login"),
    ),
    (
        "auth_kubernetes",
        "kubernetes.rs",
        Some("POST /api/v1/auth/kubernetes-auth/login"),
    ),
    (
        "auth_oidc",
        "oidc.rs",
        Some("POST /api/v1/auth/oidc-auth/login"),
    ),
    (
        "auth_jwt",
        "jwt.rs",
        Some("POST /api/v1/auth/jwt-auth/login"),
    ),
    (
        "auth_ldap",
        "ldap.rs",
        Some("POST /api/v1/auth/ldap-auth/login"),
    ),
    (
        "auth_gcp",
        "gcp.rs",
        Some("POST /api/v1/auth/gcp-auth/login"),
    ),
    (
        "auth_azure",
        "azure.rs",
        Some("POST /api/v1/auth/azure-auth/login"),
    ),
    // Also needs the client crate's `aws-iam` feature (the file gates itself on it).
    (
        "auth_aws",
        "aws.rs",
        Some("POST /api/v1/auth/aws-auth/login"),
    ),
];

fn client_extensions() -> Vec<oas_codegen::Extension> {
    LOGINS
        .iter()
        .map(|(module, file, login)| oas_codegen::Extension {
            module: (*module).to_owned(),
            path: format!("../auth/{file}"),
            requires: login
                .iter()
                .map(|op| (*op).to_owned())
                .chain([RENEW.to_owned()])
                .collect(),
            // The AWS login signs with aws-sigv4, behind the client crate's `aws-iam` feature.
            features: if *module == "auth_aws" {
                vec!["aws-iam".to_owned()]
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// JSON property names whose values are secrets or credentials in Infisical's API. (`secretKey` is
/// the *name* of a secret in Infisical, so it is not here.)
const SENSITIVE_PROPERTIES: &[&str] = &[
    "accessKey",
    "accessToken",
    "adminPrivateKey",
    "apiKey",
    "backupPrivateKey",
    "captchaToken",
    "clientSecret",
    "credential",
    "mfaToken",
    "password",
    "privateKey",
    "providerAuthToken",
    "refreshToken",
    "scimToken",
    "secret",
    "secretAccessKey",
    "secretValue",
    "serverPrivateKey",
    "serviceToken",
    "slackClientSecret",
    "token",
    "tokenReviewerJwt",
    "userPrivateKey",
    "webhookSecretKey",
];

/// The overlays of `spec/overlays/` written for the document with this sha256
/// (`x-document-sha256`), in file name order, each with its file name.
pub(crate) fn overlays_for(
    sha256: &str,
) -> anyhow::Result<Vec<(String, oas_ir::overlay::Overlay)>> {
    use anyhow::Context as _;
    let dir = crate::spec::project_root().join("spec/overlays");
    let mut files: Vec<std::path::PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            })
            .collect(),
        Err(_) => return Ok(Vec::new()),
    };
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let format = oas_ir::load::Format::detect(&path.to_string_lossy(), &text);
        let overlay = oas_ir::overlay::parse(&text, format).map_err(|errors| {
            let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
            anyhow::anyhow!(
                "{} is not a valid overlay:\n{}",
                path.display(),
                shown.join("\n")
            )
        })?;
        if overlay.document_sha256.iter().any(|s| s == sha256) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, overlay));
        }
    }
    Ok(out)
}
