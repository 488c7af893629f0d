//! The generated route test: every operation called once with sample inputs (it must reach the
//! default 501), and once without a bearer token (401 in Infisical's error shape where the
//! operation is authenticated, the default 501 where it is public). Each
//! case is gated like its operation, so the test runs whatever groups are enabled.

use oas_ir::model::{Api, ParamLocation};
use proc_macro2::TokenStream;
use quote::quote;

use super::Plan;
use crate::samples::{percent_encode, sample_json, sample_param_text, sample_query};

pub(super) fn emit(api: &Api, plan: &Plan) -> TokenStream {
    let mut calls = Vec::new();
    for (i, op) in api.operations.iter().enumerate() {
        if plan.routes[i].is_none() {
            continue;
        }
        let mut url = oas_ir::model::fill_path(&op.path, |name| {
            let text = op
                .params
                .iter()
                .find(|p| p.location == ParamLocation::Path && p.wire == name)
                .map(|p| sample_param_text(api, p))
                .unwrap_or_default();
            percent_encode(&text)
        });
        let query = sample_query(api, op);
        for (n, (key, value)) in query.iter().enumerate() {
            url.push(if n == 0 { '?' } else { '&' });
            url.push_str(&percent_encode(key));
            url.push('=');
            url.push_str(&percent_encode(value));
        }
        let body = match &op.body {
            Some(body) => {
                let text = sample_json(api, body.ty).to_string();
                quote!(::std::option::Option::Some(#text))
            }
            None => quote!(::std::option::Option::None),
        };
        let cfg = plan.cfg(&op.name.group);
        let name = format!("{}.{}", op.name.group, op.name.method);
        calls.push(quote!(#cfg (#name, #url, #body),));
    }
    quote! {
        use infisical_server::{OPERATIONS, Server};

        /// Per routed operation of the enabled groups: its name in `OPERATIONS`, a path and query
        /// with sample values, and a sample body.
        static CALLS: &[(&str, &str, ::std::option::Option<&str>)] = &[#(#calls)*];

        #[tokio::test]
        async fn every_route_reaches_its_default_and_checks_its_token() {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let base = format!("http://{}", listener.local_addr().expect("address"));
            let router = Server::new().into_router();
            tokio::spawn(async move { axum::serve(listener, router).await });
            let client = reqwest::Client::new();
            let mut failures = Vec::new();
            for &(name, url, body) in CALLS {
                let op = OPERATIONS
                    .iter()
                    .find(|op| op.name == name)
                    .expect("every case names an operation of the table");
                let send = |token: bool| {
                    let mut request = client.request(op.method.clone(), format!("{base}{url}"));
                    if token {
                        request = request.bearer_auth("sample-token");
                    }
                    if let Some(body) = body {
                        request = request
                            .header("content-type", "application/json")
                            .body(body);
                    }
                    request.send()
                };
                let response = send(true).await.expect("the server answers");
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                if status != 501 || !text.contains("\"NotImplemented\"") {
                    failures.push(format!("{} {}: {status} {text}", op.method, op.path));
                }
                // Without a token: an authenticated operation is refused in Infisical's error
                // shape before any implementation runs (the default's 501 would show it ran); a
                // public one still reaches it.
                let response = send(false).await.expect("the server answers");
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                if op.bearer {
                    let shaped = serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| {
                        v["statusCode"] == 401
                            && v["error"] == "UnauthorizedError"
                            && v["reqId"].is_string()
                            && v["message"].is_string()
                    });
                    if status != 401 || !shaped {
                        failures.push(format!("{} {} without a token: {status} {text}", op.method, op.path));
                    }
                } else if status != 501 {
                    failures.push(format!("{} {} (public) without a token: {status} {text}", op.method, op.path));
                }
            }
            assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
        }

        #[test]
        fn every_operation_is_routed_or_shadowed() {
            let routed: ::std::collections::BTreeSet<&str> = CALLS.iter().map(|c| c.0).collect();
            for op in OPERATIONS {
                assert!(routed.contains(op.name) || op.route.is_empty(), "{} {}", op.method, op.path);
            }
        }
    }
}
