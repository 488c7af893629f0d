//! Property test of permission matching: random roles (subjects, actions, `inverted`, conditions
//! with `$eq`/`$ne`/`$in`/`$glob` and plain strings, paths with `.`, `..` and `//`) and random
//! secret reads (environment, path), each decided by mini-infisical over HTTP and by the small
//! reference model below. The model is written for obviousness, not speed: a backtracking glob
//! and a stack of path segments.

mod common;

use std::cell::Cell;

use common::{PROJECT, Running};
use mini_infisical::Seed;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

/// How many random roles are tried per run (each with several reads).
const CASES: u32 = 300;
/// Reads per role.
const READS: usize = 6;

// ---------------------------------------------------------------------------------------------
// The model.

#[derive(Clone, Debug)]
enum Cond {
    Text(String),
    Ops {
        eq: Option<String>,
        ne: Option<String>,
        in_: Option<Vec<String>>,
        glob: Option<String>,
    },
}

#[derive(Clone, Debug)]
struct Rule {
    subject: &'static str,
    actions: Vec<&'static str>,
    inverted: bool,
    environment: Option<Cond>,
    secret_path: Option<Cond>,
}

/// The path with `.`, `..` and empty segments resolved; `None` above the root.
fn normalize(path: &str) -> Option<String> {
    let mut stack: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        if segment == ".." {
            stack.pop()?;
        } else if !segment.is_empty() && segment != "." {
            stack.push(segment);
        }
    }
    Some(format!("/{}", stack.join("/")))
}

/// `*` and `?` within one segment, `**` across segments; `/x/**` also matches `/x` itself.
fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match p {
            [] => t.is_empty(),
            ['*', '*', rest @ ..] => {
                let rest: Vec<char> = rest.iter().copied().skip_while(|c| *c == '*').collect();
                (0..=t.len()).any(|k| go(&rest, &t[k..]))
            }
            ['*', rest @ ..] => (0..=t.len())
                .take_while(|&k| !t[..k].contains(&'/'))
                .any(|k| go(rest, &t[k..])),
            ['?', rest @ ..] => t.first().is_some_and(|c| *c != '/') && go(rest, &t[1..]),
            [c, rest @ ..] => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    let t: Vec<char> = text.chars().collect();
    let whole: Vec<char> = pattern.chars().collect();
    if go(&whole, &t) {
        return true;
    }
    match pattern.strip_suffix("/**") {
        Some(folder) => {
            let folder = if folder.is_empty() { "/" } else { folder };
            go(&folder.chars().collect::<Vec<_>>(), &t)
        }
        None => false,
    }
}

fn holds(cond: &Cond, value: &str, is_path: bool) -> bool {
    let canon = |s: &str| {
        if is_path {
            normalize(s).expect("generated condition paths stay within the root")
        } else {
            s.to_owned()
        }
    };
    match cond {
        Cond::Text(s) => canon(s) == value,
        Cond::Ops {
            eq,
            ne,
            in_,
            glob: g,
        } => {
            eq.as_ref().is_none_or(|e| canon(e) == value)
                && ne.as_ref().is_none_or(|n| canon(n) != value)
                && in_
                    .as_ref()
                    .is_none_or(|set| set.iter().any(|s| canon(s) == value))
                && g.as_ref().is_none_or(|g| {
                    let pattern = if is_path {
                        normalize(g).expect("generated globs stay within the root")
                    } else {
                        g.clone()
                    };
                    glob(&pattern, value)
                })
        }
    }
}

/// The model's answer to "may this role read a secret in `env` at `path`?".
fn model_allows(rules: &[Rule], env: &str, path: &str) -> bool {
    let mut granted = false;
    for rule in rules {
        if rule.subject != "secrets" || !rule.actions.contains(&"read") {
            continue;
        }
        let matches = rule
            .environment
            .as_ref()
            .is_none_or(|c| holds(c, env, false))
            && rule
                .secret_path
                .as_ref()
                .is_none_or(|c| holds(c, path, true));
        if matches && rule.inverted {
            return false;
        }
        granted |= matches;
    }
    granted
}

// ---------------------------------------------------------------------------------------------
// The generators.

fn cond_json(cond: &Cond) -> Value {
    match cond {
        Cond::Text(s) => json!(s),
        Cond::Ops { eq, ne, in_, glob } => {
            let mut ops = serde_json::Map::new();
            for (key, value) in [("$eq", eq), ("$ne", ne), ("$glob", glob)] {
                if let Some(v) = value {
                    ops.insert(key.to_owned(), json!(v));
                }
            }
            if let Some(set) = in_ {
                ops.insert("$in".to_owned(), json!(set));
            }
            Value::Object(ops)
        }
    }
}

fn rule_json(rule: &Rule) -> Value {
    let mut out = json!({"subject": rule.subject, "action": rule.actions});
    // Only the rules with conditions have `inverted` in the document.
    if rule.subject != "environments" {
        out["inverted"] = json!(rule.inverted);
    }
    let mut conditions = serde_json::Map::new();
    if let Some(c) = &rule.environment {
        conditions.insert("environment".to_owned(), cond_json(c));
    }
    if let Some(c) = &rule.secret_path {
        conditions.insert("secretPath".to_owned(), cond_json(c));
    }
    if !conditions.is_empty() {
        out["conditions"] = Value::Object(conditions);
    }
    out
}

fn environment() -> impl Strategy<Value = String> {
    prop_oneof![Just("dev"), Just("staging"), Just("prod"), Just("qa")].prop_map(str::to_owned)
}

fn environment_glob() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("d*"),
        Just("*"),
        Just("?ev"),
        Just("*o*"),
        Just("prod"),
        Just("st*g*"),
        Just("**")
    ]
    .prop_map(str::to_owned)
}

fn segments() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("c")], 0..=3)
}

/// A path within the root, spelt plainly or with `//`, `.` or a `x/..` detour.
fn path() -> impl Strategy<Value = String> {
    (segments(), 0..4_u8).prop_map(|(segments, noise)| {
        let plain = format!("/{}", segments.join("/"));
        match noise {
            0 => plain,
            1 => format!("/{}/", segments.join("//")),
            2 => format!("/.{plain}"),
            _ => format!("{plain}/x/.."),
        }
    })
}

/// A path pattern: plain segments and wildcards, optionally ending in `/**`, with `.` noise.
fn path_glob() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            prop_oneof![
                Just("a"),
                Just("b"),
                Just("*"),
                Just("**"),
                Just("?"),
                Just("a*"),
                Just(".")
            ],
            0..=3,
        ),
        any::<bool>(),
    )
        .prop_map(|(segments, tail)| {
            let base = format!("/{}", segments.join("/"));
            if tail {
                format!("{}/**", base.trim_end_matches('/'))
            } else {
                base
            }
        })
}

fn ops(
    value: BoxedStrategy<String>,
    glob: Option<BoxedStrategy<String>>,
) -> impl Strategy<Value = Cond> {
    let glob = match glob {
        Some(g) => prop::option::of(g).boxed(),
        None => Just(None).boxed(),
    };
    (
        prop::option::of(value.clone()),
        prop::option::of(value.clone()),
        prop::option::of(prop::collection::vec(value, 0..=2)),
        glob,
    )
        .prop_filter("an operator object has an operator", |(e, n, i, g)| {
            e.is_some() || n.is_some() || i.is_some() || g.is_some()
        })
        .prop_map(|(eq, ne, in_, glob)| Cond::Ops { eq, ne, in_, glob })
}

fn cond(
    value: BoxedStrategy<String>,
    glob: Option<BoxedStrategy<String>>,
) -> impl Strategy<Value = Option<Cond>> {
    prop_oneof![
        2 => Just(None),
        1 => value.clone().prop_map(|v| Some(Cond::Text(v))),
        3 => ops(value, glob).prop_map(Some),
    ]
}

fn rule() -> impl Strategy<Value = Rule> {
    let subject = prop_oneof![
        6 => Just("secrets"),
        1 => Just("secret-folders"),
        1 => Just("environments"),
    ];
    (
        subject,
        prop::sample::subsequence(vec!["read", "create", "edit"], 1..=3),
        prop::bool::weighted(0.3),
    )
        .prop_flat_map(|(subject, actions, inverted)| {
            let (environment, secret_path) = match subject {
                // The folders' environment takes no `$glob`; environments rules take no
                // conditions at all, and never `inverted`.
                "secret-folders" => (
                    cond(environment().boxed(), None).boxed(),
                    cond(path().boxed(), Some(path_glob().boxed())).boxed(),
                ),
                "environments" => (Just(None).boxed(), Just(None).boxed()),
                _ => (
                    cond(environment().boxed(), Some(environment_glob().boxed())).boxed(),
                    cond(path().boxed(), Some(path_glob().boxed())).boxed(),
                ),
            };
            let inverted = inverted && subject != "environments";
            (environment, secret_path).prop_map(move |(environment, secret_path)| Rule {
                subject,
                actions: actions.clone(),
                inverted,
                environment,
                secret_path,
            })
        })
}

/// A read: environment and path; some paths climb above the root.
fn read() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![Just("dev"), Just("staging"), Just("prod")].prop_map(str::to_owned),
        prop_oneof![
            6 => path(),
            1 => path().prop_map(|p| format!("/..{p}")),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// The run.

fn seed() -> Seed {
    Seed::from_json(
        &json!({
            "identities": [
                {"name": "admin", "clientId": "admin-id", "clientSecret": "admin-secret", "role": "admin"},
                {"name": "subject", "clientId": "s-id", "clientSecret": "s-secret", "role": "under-test"}
            ],
            "projects": [{"name": "Demo", "slug": "demo", "id": PROJECT}],
            "roles": [{"slug": "under-test", "permissions": []}]
        })
        .to_string(),
    )
    .expect("the seed is valid")
}

/// What the server answers for one read: 400 (path above the root), 403 (denied) or 404 (allowed:
/// the secret does not exist, which is only looked up once the read is authorized).
async fn server_read(server: &Running, token: &str, env: &str, path: &str) -> u16 {
    let url =
        format!("/api/v3/secrets/raw/K?workspaceId={PROJECT}&environment={env}&secretPath={path}");
    server.call("GET", &url, Some(token), None).await.0
}

#[test]
fn matching_agrees_with_the_reference_model() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (server, admin, subject, role_id) = runtime.block_on(async {
        let server = common::start(&seed()).await;
        let admin = server.login("admin-id", "admin-secret").await;
        let subject = server.login("s-id", "s-secret").await;
        let (status, role) = server
            .call(
                "GET",
                &format!("/api/v2/workspace/{PROJECT}/roles/slug/under-test"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(status, 200, "{role}");
        let id = role["role"]["id"].as_str().expect("an id").to_owned();
        (server, admin, subject, id)
    });
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    };
    // A fixed seed: every run tries the same roles, so a failure reproduces.
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let cases = Cell::new(0_u32);
    let decisions = Cell::new([0_u32; 3]);
    let strategy = (
        prop::collection::vec(rule(), 0..=4),
        prop::collection::vec(read(), READS),
    );
    let result = runner.run(&strategy, |(rules, reads)| {
        cases.set(cases.get() + 1);
        let body = json!({"permissions": rules.iter().map(rule_json).collect::<Vec<_>>()});
        let answers = runtime.block_on(async {
            let (status, answer) = server
                .call(
                    "PATCH",
                    &format!("/api/v2/workspace/{PROJECT}/roles/{role_id}"),
                    Some(&admin),
                    Some(&body.to_string()),
                )
                .await;
            let mut answers = Vec::new();
            for (env, path) in &reads {
                answers.push(server_read(&server, &subject, env, path).await);
            }
            (status, answer, answers)
        });
        let (status, answer, answers) = answers;
        prop_assert_eq!(status, 200, "the role update was refused: {}", answer);
        for ((env, path), got) in reads.iter().zip(answers) {
            let expected = match normalize(path) {
                None => 400,
                Some(p) if model_allows(&rules, env, &p) => 404,
                Some(_) => 403,
            };
            let mut counts = decisions.get();
            counts[match expected {
                400 => 0,
                403 => 1,
                _ => 2,
            }] += 1;
            decisions.set(counts);
            prop_assert_eq!(got, expected, "read {}:{} under rules {}", env, path, body);
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    let [above_root, denied, allowed] = decisions.get();
    // The case count, for whoever runs with --nocapture (the report of issue 13 quotes it).
    #[allow(clippy::print_stdout)]
    {
        println!(
            "{} cases, {} reads: {allowed} allowed, {denied} denied, {above_root} above the root",
            cases.get(),
            above_root + denied + allowed
        );
    }
    assert!(cases.get() >= CASES);
    // The generators must exercise both answers, or the agreement says little.
    assert!(
        allowed > 100 && denied > 100,
        "allowed {allowed}, denied {denied}"
    );
}
